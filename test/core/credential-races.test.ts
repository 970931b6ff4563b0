// Writes that a revocation can overtake: a bearer-only login (User Service) with a token that was
// revoked a moment ago, and an admin's own profile update racing the operator's demotion.
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { interleave } from '../support/interleave';
import { logIn as gatekeeperLogIn, register as gatekeeperRegister } from '../gatekeeper/steps';
import { claimsOf } from '../support/accounts';
import { mailedCode, signUpAndLogIn } from '../user-service/steps';

describe('a bearer-only login', () => {
  it('mints nothing from a token a reset revoked, even where KV has not caught up', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    expect((await client.post('/v1/users/newPassword', { body: { email: user.email } })).status).toBe(200);
    const { code } = await mailedCode(client, user.email);
    const reset = await client.post('/v1/users/resetPassword', { body: { code, password: 'a brand new passphrase' } });
    expect(reset.status).toBe(200);
    // Another location whose KV has not seen the revocation yet: the marks are gone from KV.
    const { sub, sid } = claimsOf(session.accessToken) as { sub: string; sid: string };
    await client.env.TOKENS.delete(`epoch:${sub}`);
    await client.env.TOKENS.delete(`rev:${sid}`);
    const elsewhere = newClient();
    const response = await elsewhere.request('POST', '/v1/users/login', { token: session.accessToken });
    expect(response.status).toBe(401);
    expect(await json(response)).not.toHaveProperty('accessToken');
  });
});

describe("an admin's own profile update", () => {
  it('cannot undo a demotion that lands while its password is checked', async () => {
    const operator = newClient();
    const admin = await gatekeeperRegister(operator, 'admin');
    const { token } = await gatekeeperLogIn(operator, admin);
    const race = interleave(/^update "users"/i);
    const self = newClient({ wrapEnv: race.wrapEnv });
    race.state.hook = async () => {
      const demoted = await operator.admin('PATCH', `/admin/v1/users/${admin.uuid}`, { body: { role: 'developer' } });
      expect(demoted.status).toBe(200);
    };
    const put = await self.put('/api/v2/users', {
      token,
      body: { username: admin.username, password: admin.password, email: admin.email, user_type: 'admin' },
    });
    expect(race.state.ran).toBe(true);
    expect(put.status).toBe(401);
    const after = await json(await operator.admin('GET', `/admin/v1/users/${admin.uuid}`));
    expect(after.role).toBe('developer');
  });
});

describe('a refresh of a non-rotating refresh token', () => {
  it('mints no access token when the session is ended while the refresh is under way', async () => {
    const operator = newClient();
    const { session } = await signUpAndLogIn(operator);
    const { sid } = claimsOf(session.accessToken) as { sid: string };
    // The refresh reads and uses the session in one batch (one transaction): the only moment left
    // for the revocation to land is just before it.
    const race = interleave(/^update "sessions" set /i);
    const refresher = newClient({ wrapEnv: race.wrapEnv });
    race.state.hook = async () => {
      expect((await operator.admin('DELETE', `/admin/v1/sessions/${sid}`)).status).toBe(204);
    };
    const refreshed = await refresher.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } });
    expect(race.state.ran).toBe(true);
    expect(refreshed.status).not.toBe(200);
    expect(await json(refreshed)).not.toHaveProperty('accessToken');
  });
});
