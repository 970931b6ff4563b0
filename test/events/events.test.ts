// The event stream (issue 24): each change writes its event once, in its own batch, with the
// actor and request id; the operator reads them newest first in keyset pages.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { json, newClient } from '../support/driver';
import { type Event, typesOf, userEvents } from './support';

describe('events of an operator’s changes to a user', () => {
  it('records user.created, user.disabled, user.enabled, user.updated and user.deleted once each, newest first', async () => {
    const client = newClient();
    const user = await createUser(client);
    // Events of one millisecond have no order among them: the clock moves between the changes.
    const patch = (body: unknown) => (client.clock.advance(1), client.admin('PATCH', `/admin/v1/users/${user.id}`, { body }));
    const disabled = await patch({ disabled: true });
    expect(disabled.status).toBe(200);
    expect((await patch({ disabled: false })).status).toBe(200);
    expect((await patch({ role: 'moderator' })).status).toBe(200);
    client.clock.advance(1);
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}`)).status).toBe(204);
    const events = await userEvents(client, user.id);
    expect(typesOf(events)).toEqual(['user.deleted', 'user.updated', 'user.enabled', 'user.disabled', 'user.created']);
    const disabling = events.find((event) => event.type === 'user.disabled')!;
    expect(disabling).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      ecosystemId: 'default',
      userId: user.id,
      actor: { type: 'operator' },
      requestId: disabled.headers.get('x-request-id'),
    });
    expect(events.find((event) => event.type === 'user.updated')!.details).toEqual({ fields: ['role'], role: 'moderator' });
  });

  it('writes nothing for a change that changes nothing, nor for a user that is not there', async () => {
    const client = newClient();
    const user = await createUser(client);
    expect((await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: false } })).status).toBe(200);
    expect((await client.admin('DELETE', '/admin/v1/users/nobody')).status).toBe(404);
    expect(typesOf(await userEvents(client, user.id))).toEqual(['user.created']);
    expect(await userEvents(client, 'nobody')).toEqual([]);
  });
});

describe('the event log', () => {
  it('pages newest first by cursor and filters by ecosystem, type and time', async () => {
    const client = newClient();
    const eco = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'events' } }));
    const users = [];
    for (let i = 0; i < 3; i++) {
      users.push(await createUser(client, { ecosystemId: eco.id }));
      client.clock.advance(1);
    }
    const path = `/admin/v1/events?ecosystemId=${eco.id}&type=user.created&limit=2`;
    const first = await json(await client.admin('GET', path));
    expect(first.items.map((e: Event) => e.userId)).toEqual([users[2]!.id, users[1]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json(await client.admin('GET', `${path}&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.items.map((e: Event) => e.userId)).toEqual([users[0]!.id]);
    expect(second.nextCursor).toBeNull();
    const since = new Date(client.clock.now() - 1500).toISOString();
    const recent = await json(await client.admin('GET', `/admin/v1/events?ecosystemId=${eco.id}&since=${since}`));
    expect(recent.items.map((e: Event) => e.userId)).toEqual([users[2]!.id]);
  });

  it('answers 400 for a bad cursor, time or limit, and 401 without the account token', async () => {
    const client = newClient();
    for (const query of ['cursor=nope', 'since=yesterday', 'until=2026-13-99', 'limit=0', `type=${'x'.repeat(200)}`]) {
      const response = await client.admin('GET', `/admin/v1/events?${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).error.code).toBe('INVALID_FIELD');
    }
    expect((await client.get('/admin/v1/events')).status).toBe(401);
  });
});
