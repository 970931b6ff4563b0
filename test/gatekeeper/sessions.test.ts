import { describe, expect, it } from 'vitest';
import { verifyStatus } from '../support/accounts';
import { json, newClient } from '../support/driver';
import { expectError, logIn, logInRequest, register, registerAndLogIn } from './steps';
import { untilLimited } from '../support/rate-limit';

describe('POST /api/v2/sessions', () => {
  it('logs in by username with the Keycloak-shaped token response', async () => {
    const client = newClient();
    const account = await register(client, 'developer');
    const response = await logInRequest(client, account.username, account.password);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const body = await json(response);
    expect(body).toEqual({
      username: account.username,
      session_began_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/),
      token: {
        access_token: expect.any(String),
        expires_in: 3600,
        refresh_token: expect.any(String),
        refresh_expires_in: 2592000,
        token_type: 'bearer',
        'not-before-policy': 0,
        session_state: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(body.session_began_at).toBe(`${new Date(client.clock.now()).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    expect(JSON.stringify(client.logs)).not.toContain(account.password);
  });

  it('answers a wrong password and an unknown user alike: 401 and the same body', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    const wrong = await logInRequest(client, account.username, `${account.password}!`);
    const unknown = await logInRequest(client, `${account.username}_nobody`, account.password);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [wrongBody, unknownBody] = [await wrong.text(), await unknown.text()];
    expect(wrongBody).toBe(unknownBody);
    expect(JSON.parse(wrongBody)).toEqual({ error: { code: 401, message: 'Unauthorized: user not authenticated' } });
  });

  it('answers 400 for missing, empty or mistyped fields', async () => {
    const client = newClient();
    await expectError(await client.post('/api/v2/sessions', { body: { password: 'x' } }), 400, 'User name is missing');
    await expectError(await client.post('/api/v2/sessions', { body: { username: '', password: 'x' } }), 400, 'User name is missing');
    await expectError(await client.post('/api/v2/sessions', { body: { username: 'someone' } }), 400, 'Password is missing');
    await expectError(
      await client.post('/api/v2/sessions', { body: { username: ['a'], password: 'x' } }),
      400,
      'User name must be a string',
    );
    await expectError(
      await client.post('/api/v2/sessions', { raw: 'username=a&password=b', headers: { 'content-type': 'application/json' } }),
      400,
    );
  });

  it('locks an account after repeated failures, in its own shape', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    for (let i = 0; i < 10; i += 1) await logInRequest(client, account.username, 'wrong password 123');
    const locked = await logInRequest(client, account.username, account.password);
    await expectError(locked, 429, 'Too many failed attempts: try again later');
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('answers 429 once a client has logged in too often', async () => {
    const client = newClient();
    const account = await register(client, 'customer');
    const limited = await untilLimited(() => logInRequest(client, account.username, account.password), 200);
    await expectError(limited, 429, 'Too many requests: try again later');
    expect(limited.headers.get('Retry-After')).toBe('60');
  });

  it('does not limit anyone when the rate-limiting binding is absent', async () => {
    const client = newClient({ wrapEnv: (env) => ({ ...env, AUTH_RATE_LIMITER: undefined }) });
    const account = await register(client, 'customer');
    for (let i = 0; i < 31; i += 1) expect((await logInRequest(client, account.username, account.password)).status).toBe(200);
  });
});

describe('several sessions and DELETE /api/v2/sessions', () => {
  it('keeps concurrent sessions apart and logs out only the one whose token is presented', async () => {
    const client = newClient();
    const account = await register(client, 'developer');
    const laptop = await logIn(client, account);
    const phone = await logIn(client, account);
    expect(laptop.sessionState).not.toBe(phone.sessionState);
    expect((await client.get('/api/v2/users', { token: laptop.token })).status).toBe(200);
    expect((await client.get('/api/v2/users', { token: phone.token })).status).toBe(200);

    const logout = await client.delete('/api/v2/sessions', { token: laptop.token });
    expect(logout.status).toBe(204);
    expect(await logout.text()).toBe('');

    await expectError(await client.get('/api/v2/users', { token: laptop.token }), 401, 'Unauthorized: token is not active');
    expect(await verifyStatus(client, laptop.token)).toBe(401);
    await expectError(await client.delete('/api/v2/sessions', { token: laptop.token }), 401);
    expect((await client.get('/api/v2/users', { token: phone.token })).status).toBe(200);
    expect(await verifyStatus(client, phone.token)).toBe(200);
  });

  it('makes a logout seen by another isolate once its recheck interval has passed', async () => {
    const here = newClient();
    const there = newClient({ clock: here.clock });
    const session = await registerAndLogIn(here, 'customer');
    expect((await there.get('/api/v2/users', { token: session.token })).status).toBe(200);
    expect((await here.delete('/api/v2/sessions', { token: session.token })).status).toBe(204);
    here.clock.advance(11);
    await expectError(await there.get('/api/v2/users', { token: session.token }), 401);
  });

  it('answers 401 without a token, 400 for a header that is not Bearer, 401 for a tampered token', async () => {
    const client = newClient();
    const session = await registerAndLogIn(client, 'customer');
    await expectError(await client.delete('/api/v2/sessions'), 401, 'Unauthorized: missing authorization header');
    await expectError(await client.delete('/api/v2/sessions', { headers: { authorization: `Token ${session.token}` } }), 400);
    const [header, payload, signature] = session.token.split('.');
    const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
    await expectError(
      await client.delete('/api/v2/sessions', { token: `${header}.${payload}.${flipped}` }),
      401,
      'Unauthorized: token is not active',
    );
    await expectError(await client.get('/api/v2/users', { token: `${header}.${payload}.${flipped}` }), 401);
    expect((await client.get('/api/v2/users', { token: session.token })).status).toBe(200);
  });

  it('refuses an expired access token', async () => {
    const client = newClient();
    const session = await registerAndLogIn(client, 'customer');
    client.clock.advance(3601);
    await expectError(await client.get('/api/v2/users', { token: session.token }), 401, 'Unauthorized: token is not active');
  });
});
