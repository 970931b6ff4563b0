// An event is written in the batch of its change (issue 24): a D1 failure injected into that batch
// leaves neither the change nor its event, and the change made again writes its event once.
import { describe, expect, it } from 'vitest';
import { createUser, logIn } from '../support/accounts';
import { json, newClient, uniqueEmail } from '../support/driver';
import { type Fault, faults } from '../support/faults';
import { countOf, userEvents } from './support';

/** Fails the one D1 batch that writes an event (the change's own). */
const eventBatch: Fault = {
  binding: 'd1',
  index: 0,
  mode: 'throw',
  match: (call) => call.op === 'batch' && /insert into "events"/i.test(call.detail),
};

describe('an event and its change, together or not at all', () => {
  it('leaves a user enabled and no user.disabled event when the batch fails, then writes it once', async () => {
    const healthy = newClient();
    const user = await createUser(healthy);
    const f = faults();
    const down = newClient({ wrapEnv: f.wrapEnv, clock: healthy.clock });
    f.arm(eventBatch);
    const failed = await down.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    expect(failed.status).toBe(500);
    expect(f.failed()).toHaveLength(1);
    expect((await json(await healthy.admin('GET', `/admin/v1/users/${user.id}`))).disabled).toBe(false);
    expect(countOf(await userEvents(healthy, user.id), 'user.disabled')).toBe(0);
    expect((await healthy.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } })).status).toBe(200);
    expect(countOf(await userEvents(healthy, user.id), 'user.disabled')).toBe(1);
  });

  it('starts no session and writes no signin.succeeded when the sign-in batch fails', async () => {
    const healthy = newClient();
    const user = await createUser(healthy);
    const f = faults();
    const down = newClient({ wrapEnv: f.wrapEnv, clock: healthy.clock });
    f.arm(eventBatch);
    const failed = await down.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password: user.password } });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((await json(await healthy.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items).toEqual([]);
    expect(countOf(await userEvents(healthy, user.id), 'signin.succeeded')).toBe(0);
    await logIn(healthy, user);
    expect(countOf(await userEvents(healthy, user.id), 'signin.succeeded')).toBe(1);
  });

  it('makes no user and no user.created when the creating batch fails', async () => {
    const healthy = newClient();
    const f = faults();
    const down = newClient({ wrapEnv: f.wrapEnv, clock: healthy.clock });
    f.arm(eventBatch);
    const email = uniqueEmail('atomic');
    const failed = await down.admin('POST', '/admin/v1/users', { body: { email, password: 'a long enough password 77' } });
    expect(failed.status).toBe(500);
    const search = await json(await healthy.admin('GET', `/admin/v1/users?q=${encodeURIComponent(email)}`));
    expect(search.items).toEqual([]);
  });
});
