import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { claimsOf } from '../support/accounts';
import { json, newClient, uniqueEmail } from '../support/driver';
import { logIn, login, register, signUpAndLogIn } from './steps';

const b64url = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

describe('logging in', () => {
  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const client = newClient();
    const user = await register(client);
    const wrong = await login(client, user.email, 'not the right password');
    const unknown = await login(client, uniqueEmail('nobody'), 'not the right password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await json(wrong)).toEqual({ error: 'Username or password is incorrect' });
    expect(await json(unknown)).toEqual({ error: 'Username or password is incorrect' });
  });

  it('answers missing fields with a 400 and a reason', async () => {
    const client = newClient();
    const response = await client.post('/v1/users/login', { body: { email: uniqueEmail() } });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: 'password is missing.' });
  });

  it('throttles an account after 10 failed logins, even for the right password, until the lock passes', async () => {
    const client = newClient();
    const user = await register(client);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await login(client, user.email, 'wrong password here')).status).toBe(401);
    }
    const locked = await login(client, user.email, user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await json(locked)).toEqual({ error: expect.any(String) });

    client.clock.advance(Number(locked.headers.get('Retry-After')) + 1);
    await logIn(client, user);
  });

  it('refuses a disabled user like a wrong password', async () => {
    const client = newClient();
    const user = await register(client);
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    expect(await json(await login(client, user.email, user.password))).toEqual({ error: 'Username or password is incorrect' });
  });
});

describe('access tokens', () => {
  it('carry the User Service claims, live one hour and verify against the JWKS', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client, { firstname: 'Ann', lastname: 'Lee' });
    const jwks = createLocalJWKSet(await json(await client.get('/.well-known/jwks.json')));
    const { payload } = await jwtVerify(session.accessToken, jwks, {
      issuer: 'https://gatehouse.test',
      audience: 'gatehouse',
      currentDate: new Date(client.clock.now()),
    });
    expect(payload).toMatchObject({
      id: user.id,
      sub: user.id,
      email: user.email,
      firstname: 'Ann',
      lastname: 'Lee',
      language: 'en',
      permissionLevel: 2,
      sid: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('are refused once expired', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    client.clock.advance(3601);
    const response = await client.get('/v1/users/status', { token: session.accessToken });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('are refused with alg none, a tampered payload, or a refresh token in their place', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const [header, payload, signature] = session.accessToken.split('.');
    const claims = claimsOf(session.accessToken);
    const forged = [
      `${b64url({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
      `${header}.${b64url({ ...claims, permissionLevel: 0, role: 'admin' })}.${signature}`,
      session.refreshToken,
      'not-a-token',
    ];
    for (const token of forged) {
      const response = await client.get('/v1/users/profile', { token });
      expect(response.status, token).toBe(401);
      expect(await json(response)).toEqual({ error: expect.any(String) });
    }
    expect((await client.get('/v1/users/status', { token: session.accessToken })).status).toBe(200);
  });

  it('are required by every protected route', async () => {
    const client = newClient();
    const routes: [string, string][] = [
      ['GET', '/v1/users/status'],
      ['GET', '/v1/users/profile'],
      ['POST', '/v1/users/profile'],
      ['GET', '/v1/users/attributes'],
      ['POST', '/v1/users/attributes'],
      ['DELETE', '/v1/users/attributes'],
      ['DELETE', '/v1/users/attribute'],
    ];
    for (const [method, path] of routes) {
      const body = method === 'GET' ? undefined : {};
      const bare = await client.request(method, path, { body });
      expect(bare.status, `${method} ${path}`).toBe(401);
      expect(bare.headers.get('WWW-Authenticate')).toContain('Bearer');
      const malformed = await client.request(method, path, { body, headers: { authorization: 'Basic abc' } });
      expect(malformed.status, `${method} ${path}`).toBe(401);
    }
  });

  it('stop working for a user who is deleted', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}`)).status).toBe(204);
    expect((await client.get('/v1/users/status', { token: session.accessToken })).status).toBe(401);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
  });
});

describe('refreshing the access token', () => {
  it('keeps the same refresh token usable (no rotation) for 30 days', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    for (let day = 0; day < 3; day += 1) {
      client.clock.advance(86_400);
      const response = await client.post('/v1/users/accessToken', { form: { refreshToken: session.refreshToken } });
      expect(response.status).toBe(200);
      expect((await client.get('/v1/users/status', { token: (await json(response)).accessToken })).status).toBe(200);
    }
    client.clock.advance(27 * 86_400);
    const expired = await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } });
    expect(expired.status).toBe(401);
  });

  it('answers 401 for an unknown or malformed refresh token and 400 for a missing one', async () => {
    const client = newClient();
    const bogus = await client.post('/v1/users/accessToken', { body: { refreshToken: 'nonsense' } });
    expect(bogus.status).toBe(401);
    expect(await json(bogus)).toEqual({ error: expect.any(String) });
    expect((await client.post('/v1/users/accessToken', { body: {} })).status).toBe(400);
  });

  it('ends with the session when the user is disabled', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } });
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await client.get('/v1/users/status', { token: session.accessToken })).status).toBe(401);
  });

  it('ends with the session when the operator revokes it', async () => {
    const client = newClient();
    const { user, session } = await signUpAndLogIn(client);
    const { items } = await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`));
    expect(items).toHaveLength(1);
    expect((await client.admin('DELETE', `/admin/v1/sessions/${items[0].id}`)).status).toBe(204);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
  });

  it('ends with the session when the client logs out through RFC 7009 revocation', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    expect((await client.post('/oauth/revoke', { form: { token: session.refreshToken } })).status).toBe(200);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await client.get('/v1/users/status', { token: session.accessToken })).status).toBe(401);
  });

  it('refuses a rotating refresh token of another face, which this route could not hand back', async () => {
    const client = newClient();
    const user = await register(client);
    const oauth = await client.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password: user.password } });
    expect(oauth.status).toBe(200);
    const { refresh_token } = await json(oauth);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: refresh_token } })).status).toBe(401);
  });
});
