import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { createUser, logIn, refreshGrant, verifyStatus, type Tokens } from '../support/accounts';
import { json, newClient } from '../support/driver';

async function refreshed(client: ReturnType<typeof newClient>, refreshToken: string): Promise<Tokens> {
  const response = await refreshGrant(client, refreshToken);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Tokens>(response);
}

async function expectInvalidGrant(response: Response) {
  expect(response.status).toBe(400);
  expect(await json(response)).toMatchObject({ error: 'invalid_grant' });
}

describe('refresh token rotation', () => {
  it('hands out a new refresh token on every use and refuses nothing of the live chain', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const second = await refreshed(client, tokens.refresh_token);
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.refresh_token.split('.')[0]).toBe(tokens.refresh_token.split('.')[0]);
    const third = await refreshed(client, second.refresh_token);
    expect(await verifyStatus(client, third.access_token)).toBe(200);
  });

  it('revokes the whole session when a spent refresh token is reused after the grace window', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const next = await refreshed(client, tokens.refresh_token);
    client.clock.advance(11);
    await expectInvalidGrant(await refreshGrant(client, tokens.refresh_token));
    await expectInvalidGrant(await refreshGrant(client, next.refresh_token));
    expect(await verifyStatus(client, next.access_token)).toBe(401);
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
  });

  it('detects reuse of a secret spent many rotations ago', async () => {
    const client = newClient();
    const first = await logIn(client, await createUser(client));
    let current = first;
    for (let i = 0; i < 20; i++) {
      client.clock.advance(20);
      current = await refreshed(client, current.refresh_token);
    }
    await expectInvalidGrant(await refreshGrant(client, first.refresh_token));
    await expectInvalidGrant(await refreshGrant(client, current.refresh_token));
  });

  it('gives a retry within the grace window the very same successor', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const first = await refreshed(client, tokens.refresh_token);
    client.clock.advance(5);
    const retry = await refreshed(client, tokens.refresh_token);
    expect(retry.refresh_token).toBe(first.refresh_token);
    const onward = await refreshed(client, retry.refresh_token);
    expect(await verifyStatus(client, onward.access_token)).toBe(200);
  });

  it('never yields two live chains from two concurrent refreshes of one secret', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const responses = await Promise.all(Array.from({ length: 5 }, () => refreshGrant(client, tokens.refresh_token)));
    const successors = new Set<string>();
    for (const response of responses) {
      if (response.status === 200) successors.add((await json<Tokens>(response)).refresh_token);
      else await expectInvalidGrant(response);
    }
    expect(successors.size).toBe(1);
  });

  it('refuses a refresh token with a guessed secret without harming the session', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const [sessionId] = tokens.refresh_token.split('.');
    await expectInvalidGrant(await refreshGrant(client, `${sessionId}.${'A'.repeat(43)}`));
    await refreshed(client, tokens.refresh_token);
  });

  it('ends the session at its absolute lifetime, however often it is refreshed', async () => {
    const client = newClient({ vars: { REFRESH_TOKEN_TTL_SECONDS: '3600' } });
    let tokens = await logIn(client, await createUser(client));
    for (let i = 0; i < 5; i++) {
      client.clock.advance(600);
      tokens = await refreshed(client, tokens.refresh_token);
    }
    client.clock.advance(601);
    await expectInvalidGrant(await refreshGrant(client, tokens.refresh_token));
  });

  it('refuses malformed refresh tokens and unknown grant types in RFC 6749 shape', async () => {
    const client = newClient();
    await expectInvalidGrant(await refreshGrant(client, 'nonsense'));
    const unsupported = await client.post('/oauth/token', { form: { grant_type: 'urn:example:no-such-grant' } });
    expect(unsupported.status).toBe(400);
    expect(await json(unsupported)).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await client.post('/oauth/token', { form: { grant_type: 'password', username: 'x@example.com' } });
    expect(missing.status).toBe(400);
    expect(await json(missing)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('revocation at the edge', () => {
  it('refuses the tokens of a session revoked through RFC 7009 at once', async () => {
    const client = newClient();
    const user = await createUser(client);
    const kept = await logIn(client, user);
    const ended = await logIn(client, user);
    expect(await verifyStatus(client, ended.access_token)).toBe(200);
    expect((await client.post('/oauth/revoke', { form: { token: ended.refresh_token } })).status).toBe(200);
    expect(await verifyStatus(client, ended.access_token)).toBe(401);
    await expectInvalidGrant(await refreshGrant(client, ended.refresh_token));
    expect(await verifyStatus(client, kept.access_token)).toBe(200);
  });

  it('reaches another isolate once its recheck time has passed, not before', async () => {
    const here = newClient();
    const user = await createUser(here);
    const tokens = await logIn(here, user);
    const elsewhere = newClient({ clock: here.clock });
    expect(await verifyStatus(elsewhere, tokens.access_token)).toBe(200);
    expect((await here.post('/oauth/revoke', { form: { token: tokens.access_token } })).status).toBe(200);
    here.clock.advance(5);
    expect(await verifyStatus(elsewhere, tokens.access_token)).toBe(200);
    here.clock.advance(5);
    expect(await verifyStatus(elsewhere, tokens.access_token)).toBe(401);
  });

  it('ends every session and token of a disabled user, and lets them back when enabled', async () => {
    const client = newClient();
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    const disabled = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(await json(disabled)).toMatchObject({ disabled: true });
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    await expectInvalidGrant(await refreshGrant(client, tokens.refresh_token));
    await expectInvalidGrant(
      await client.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password: user.password } }),
    );
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: false } });
    const again = await logIn(client, user);
    expect(await verifyStatus(client, again.access_token)).toBe(200);
  });

  it('keeps a token issued in the same second as a revocation alive', async () => {
    const client = newClient();
    client.clock.ms = Math.floor(client.clock.ms / 1000) * 1000 + 400;
    const user = await createUser(client);
    await logIn(client, user);
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: false } });
    client.clock.ms += 100;
    const fresh = await logIn(client, user);
    expect(await verifyStatus(client, fresh.access_token)).toBe(200);
  });
});

describe('login lockout', () => {
  const attempt = (client: ReturnType<typeof newClient>, username: string, password: string) =>
    client.post('/oauth/token', { form: { grant_type: 'password', username, password } });

  it('locks an account after 10 consecutive failures, even for the right password, until the lock passes', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 10; i++) expect((await attempt(client, user.email, 'wrong password!')).status).toBe(400);
    const locked = await attempt(client, user.email, user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    client.clock.advance(61);
    expect((await attempt(client, user.email, user.password)).status).toBe(200);
  });

  it('locks for longer after each failure past the threshold', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 10; i++) await attempt(client, user.email, 'wrong password!');
    client.clock.advance(61);
    expect((await attempt(client, user.email, 'wrong password!')).status).toBe(400);
    client.clock.advance(61);
    expect((await attempt(client, user.email, user.password)).status).toBe(429);
    client.clock.advance(60);
    expect((await attempt(client, user.email, user.password)).status).toBe(200);
  });

  it('locks after 10 failures even when the guesses arrive all at once', async () => {
    const client = newClient();
    const user = await createUser(client);
    const guesses = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt(client, user.email, `wrong guess ${i}`)));
    const statuses = guesses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 400)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    expect((await attempt(client, user.email, user.password)).status).toBe(429);
  });

  it('counts only consecutive failures', async () => {
    const client = newClient();
    const user = await createUser(client);
    for (let i = 0; i < 9; i++) await attempt(client, user.email, 'wrong password!');
    expect((await attempt(client, user.email, user.password)).status).toBe(200);
    for (let i = 0; i < 9; i++) await attempt(client, user.email, 'wrong password!');
    expect((await attempt(client, user.email, user.password)).status).toBe(200);
  });

  it('throttles an unknown account exactly like a known one', async () => {
    const client = newClient();
    const ghost = `ghost.${crypto.randomUUID()}@example.com`;
    const responses = [];
    for (let i = 0; i < 11; i++) responses.push(await attempt(client, ghost, 'wrong password!'));
    expect(responses.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(400));
    expect(responses[10]!.status).toBe(429);
  });

  it('answers an unknown account and a wrong password with the same body', async () => {
    const client = newClient();
    const user = await createUser(client);
    const wrong = await attempt(client, user.email, 'wrong password!');
    const unknown = await attempt(client, `nobody.${crypto.randomUUID()}@example.com`, 'wrong password!');
    expect(wrong.status).toBe(unknown.status);
    expect(await wrong.text()).toBe(await unknown.text());
  });
});

/** The real KV binding, except that every write fails while `down()` says so. */
function kvWritesFailingWhile(down: () => boolean) {
  return (testEnv: Env): Env => ({
    ...testEnv,
    TOKENS: new Proxy(testEnv.TOKENS, {
      get: (target, property) => {
        if (property === 'put' && down()) return () => Promise.reject(new Error('kv unavailable'));
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  });
}

describe('revocation when KV fails', () => {
  it('still disables the user, refuses the token here and in D1, and logs the failed publication', async () => {
    const client = newClient({ wrapEnv: kvWritesFailingWhile(() => true) });
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    const disabled = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    await expectInvalidGrant(await refreshGrant(client, tokens.refresh_token));
    const failures = client.logs.filter((line) => line.event === 'revocation_publish_failed');
    // Two keys (the user's epoch, the session's mark), each tried three times.
    expect(failures.map((line) => line.fields?.tries).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(JSON.stringify(failures)).not.toContain(user.id);
  });

  it('writes the marks KV refused again on the next Cron run, so other locations learn of the revocation', async () => {
    const kv = { down: false };
    const client = newClient({ wrapEnv: kvWritesFailingWhile(() => kv.down) });
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    kv.down = true;
    expect((await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } })).status).toBe(200);
    // Another location reads only KV: it has not heard of the revocation.
    expect(await verifyStatus(newClient(), tokens.access_token)).toBe(200);
    kv.down = false;
    await client.scheduled();
    expect(client.logs.some((line) => line.event === 'revocations_republished')).toBe(true);
    expect(await verifyStatus(newClient(), tokens.access_token)).toBe(401);
  });
});
