// Issue 9, item 1: a revocation kills every token issued before it and none issued after it,
// whatever the timing. Each path runs "revoke, issue, revoke again" with the clock frozen inside
// one second; the token issued in between must die everywhere (here at once, in another isolate
// through KV, on a strict gateway route through D1) and a token issued after must work.
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, logIn, type TestUser } from '../support/accounts';
import { json, strongPassword, TestClock, type Client } from '../support/driver';
import { appUser, droplitToken, ecosystemWithEnvironments, gatewayClient, resetOrigin, stubOrigin } from '../gateway/support';
import { mailedCode } from '../user-service/steps';

afterEach(resetOrigin);

const ROUTES = [
  { prefix: '/strict/', strict: true, ecosystem: '*' },
  { prefix: '/edge/', ecosystem: '*' },
  { prefix: '/admins/', require: { role: 'admin' } },
];
const LIVE = [200, 200, 200, 200];
const DEAD = [401, 401, 401, 401];

/** A gateway client whose clock stands 100 ms into a second (and moves only by a few ms). */
function sameSecondClient(): Client {
  stubOrigin();
  return gatewayClient(ROUTES, { clock: new TestClock(Math.floor(Date.now() / 1000) * 1000 + 100) });
}

/** The token's fate: through KV and D1 here, and through KV and D1 in a fresh isolate. */
async function fate(client: Client, token: string): Promise<number[]> {
  const elsewhere = gatewayClient(ROUTES, { clock: client.clock });
  const statuses: number[] = [];
  for (const [at, path] of [
    [client, '/edge/x'],
    [client, '/strict/x'],
    [elsewhere, '/edge/x'],
    [elsewhere, '/strict/x'],
  ] as const) {
    const response = await at.get(path, { token });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

async function expectStatus(response: Promise<Response>, status: number) {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
}

function patchUser(client: Client, user: TestUser, body: Record<string, unknown>) {
  return expectStatus(client.admin('PATCH', `/admin/v1/users/${user.id}`, { body }), 200);
}

/** Resets the password through the User Service's mailed code; returns the user with it. */
async function resetPassword(client: Client, user: TestUser): Promise<TestUser> {
  client.clock.advance(0.01); // mails are read newest first: keep this one apart from the last
  await expectStatus(client.post('/v1/users/newPassword', { body: { email: user.email } }), 200);
  const { code } = await mailedCode(client, user.email);
  const password = strongPassword();
  await expectStatus(client.post('/v1/users/resetPassword', { body: { code, password } }), 200);
  return { ...user, password };
}

describe('a revocation within one second of the last', () => {
  it('operator revoke-all kills the token issued in between and spares the one after', async () => {
    const client = sameSecondClient();
    const user = await createUser(client);
    const revoke = () => expectStatus(client.admin('DELETE', `/admin/v1/users/${user.id}/sessions`), 204);
    await revoke();
    const between = (await logIn(client, user)).access_token;
    expect(await fate(client, between)).toEqual(LIVE);
    await revoke();
    expect(await fate(client, between)).toEqual(DEAD);
    expect(await fate(client, (await logIn(client, user)).access_token)).toEqual(LIVE);
  });

  it('a role change: the demoted admin no longer passes a route that requires admin', async () => {
    const client = sameSecondClient();
    const user = await createUser(client, { role: 'admin' });
    await patchUser(client, user, { role: 'user' });
    await patchUser(client, user, { role: 'admin' });
    const between = (await logIn(client, user)).access_token;
    expect((await client.get('/admins/x', { token: between })).status).toBe(200);
    await patchUser(client, user, { role: 'user' });
    expect((await client.get('/admins/x', { token: between })).status).toBe(401);
    expect(await fate(client, between)).toEqual(DEAD);
    const after = (await logIn(client, user)).access_token;
    expect(await fate(client, after)).toEqual(LIVE);
    expect((await client.get('/admins/x', { token: after })).status).toBe(403);
  });

  it('disable kills the token, and userinfo and introspection refuse it', async () => {
    const client = sameSecondClient();
    const user = await createUser(client);
    await patchUser(client, user, { disabled: true });
    await patchUser(client, user, { disabled: false });
    const between = (await logIn(client, user)).access_token;
    await patchUser(client, user, { disabled: true });
    expect(await fate(client, between)).toEqual(DEAD);
    expect((await client.get('/oauth/userinfo', { token: between })).status).toBe(401);
    const { token: serverToken } = await json(await client.admin('POST', '/admin/v1/ecosystems/default/server-tokens', { body: {} }));
    const introspection = await client.post('/oauth/introspect', {
      form: { token: between },
      headers: { authorization: `Bearer ${serverToken}` },
    });
    expect(await json(introspection)).toEqual({ active: false });
    await patchUser(client, user, { disabled: false });
    expect(await fate(client, (await logIn(client, user)).access_token)).toEqual(LIVE);
  });

  it('a password reset kills the token on every face', async () => {
    const client = sameSecondClient();
    const first = await resetPassword(client, await createUser(client));
    const between = (await logIn(client, first)).access_token;
    const second = await resetPassword(client, first);
    expect(await fate(client, between)).toEqual(DEAD);
    expect((await client.get('/v1/users/profile', { token: between })).status).toBe(401);
    expect((await client.get('/oauth/userinfo', { token: between })).status).toBe(401);
    expect((await client.get('/api/v2/users', { token: between })).status).toBe(401);
    expect(await fate(client, (await logIn(client, second)).access_token)).toEqual(LIVE);
  });

  it('operator delete kills the token issued after the last revocation', async () => {
    const client = sameSecondClient();
    const user = await createUser(client);
    await expectStatus(client.admin('DELETE', `/admin/v1/users/${user.id}/sessions`), 204);
    const between = (await logIn(client, user)).access_token;
    expect(await fate(client, between)).toEqual(LIVE);
    await expectStatus(client.admin('DELETE', `/admin/v1/users/${user.id}`), 204);
    expect(await fate(client, between)).toEqual(DEAD);
  });

  it('droplit logout kills an Infinite token issued in between and spares the one after', async () => {
    const client = sameSecondClient();
    const { id: ecosystemId } = await ecosystemWithEnvironments(client);
    const path = await appUser(client, ecosystemId);
    const logout = () => expectStatus(client.admin('DELETE', `${path}/tokens`), 200);
    await logout();
    const between = await droplitToken(client, path, 'Infinite');
    expect(await fate(client, between)).toEqual(LIVE);
    await logout();
    expect(await fate(client, between)).toEqual(DEAD);
    client.clock.advance(5 * 365 * 24 * 3600);
    expect(await fate(client, between)).toEqual(DEAD);
    expect(await fate(client, await droplitToken(client, path, 'Infinite'))).toEqual(LIVE);
  });

  it('droplit delete kills an Infinite token issued after the last logout', async () => {
    const client = sameSecondClient();
    const { id: ecosystemId } = await ecosystemWithEnvironments(client);
    const path = await appUser(client, ecosystemId);
    await expectStatus(client.admin('DELETE', `${path}/tokens`), 200);
    const between = await droplitToken(client, path, 'Infinite');
    await expectStatus(client.admin('DELETE', path), 200);
    expect(await fate(client, between)).toEqual(DEAD);
    await expectStatus(client.admin('PUT', path, { body: {} }), 201);
    expect(await fate(client, await droplitToken(client, path, 'Infinite'))).toEqual(LIVE);
  });
});

describe('an isolate that saw a revocation', () => {
  it('keeps the highest epoch it read, though KV later answers an older one', async () => {
    const client = sameSecondClient();
    const { id: ecosystemId } = await ecosystemWithEnvironments(client);
    const path = await appUser(client, ecosystemId);
    const token = await droplitToken(client, path, 'Infinite');
    const { sub: userId, sid: sessionId } = decodeJwt(token) as { sub: string; sid: string };
    await expectStatus(client.admin('DELETE', `${path}/tokens`), 200);
    expect(await fate(client, token)).toEqual(DEAD);
    // KV loses both marks (an out-of-order write seen late): this isolate and D1 still refuse.
    await client.env.TOKENS.delete(`epoch:${userId}`);
    await client.env.TOKENS.delete(`rev:${sessionId}`);
    client.clock.advance(600);
    expect((await client.get('/edge/x', { token })).status).toBe(401);
    expect((await client.get('/strict/x', { token })).status).toBe(401);
  });
});
