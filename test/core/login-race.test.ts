// Issue 9, item 2: a login whose password check overlaps a reset, a disable or a demotion must not
// leave a session behind. The interleaving is driven, not slept for: the login's D1 binding is
// wrapped so that, just before the session insert reaches D1, the test makes the change through
// another client's HTTP routes.
import { describe, expect, it } from 'vitest';
import { createUser, passwordGrant, type TestUser } from '../support/accounts';
import { json, newClient, strongPassword, type Client } from '../support/driver';
import { interleave } from '../support/interleave';
import { mailedCode } from '../user-service/steps';

async function expectLoginRefusedAsWrongPassword(login: Client, operator: Client, user: TestUser) {
  const response = await passwordGrant(login, user.email, user.password);
  expect(response.status).toBe(400);
  expect(await json(response)).toEqual({ error: 'invalid_grant', error_description: 'The credentials are incorrect.' });
  const sessions = await json(await operator.admin('GET', `/admin/v1/users/${user.id}/sessions`));
  expect(sessions.items).toEqual([]);
}

describe('a login overlapping a change of the user', () => {
  const SESSION_INSERT = /^insert into "sessions"/i;

  it('fails when a password reset lands during it, and leaves no session', async () => {
    const race = interleave(SESSION_INSERT);
    const login = newClient({ wrapEnv: race.wrapEnv });
    const operator = newClient();
    const user = await createUser(operator);
    race.state.hook = async () => {
      await operator.post('/v1/users/newPassword', { body: { email: user.email } });
      const { code } = await mailedCode(operator, user.email);
      const reset = await operator.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } });
      expect(reset.status).toBe(200);
    };
    await expectLoginRefusedAsWrongPassword(login, operator, user);
    expect(race.state.ran).toBe(true);
  });

  it('fails when the user is disabled during it', async () => {
    const race = interleave(SESSION_INSERT);
    const login = newClient({ wrapEnv: race.wrapEnv });
    const operator = newClient();
    const user = await createUser(operator);
    race.state.hook = async () => {
      const disabled = await operator.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
      expect(disabled.status).toBe(200);
    };
    await expectLoginRefusedAsWrongPassword(login, operator, user);
    expect(race.state.ran).toBe(true);
  });

  it('fails when the admin is demoted during it, so no session carries the old role', async () => {
    const race = interleave(SESSION_INSERT);
    const login = newClient({ wrapEnv: race.wrapEnv });
    const operator = newClient();
    const user = await createUser(operator, { role: 'admin' });
    race.state.hook = async () => {
      const demoted = await operator.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { role: 'user' } });
      expect(demoted.status).toBe(200);
    };
    await expectLoginRefusedAsWrongPassword(login, operator, user);
    expect(race.state.ran).toBe(true);
    // Without a change in between, the same login works.
    expect((await passwordGrant(login, user.email, user.password)).status).toBe(200);
  });
});
