// The Gatekeeper as SONATA's own clients use it: son-access logs in with a JSON body and no
// Content-Type, fetches the micro-services public key, imports it as RSA and verifies the token
// with RS256 and audience "adapter"; son-gkeeper's specs send every path with a trailing slash.
import { env } from 'cloudflare:workers';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { json, newClient, type Client } from '../support/driver';
import { logIn, register, registerAndLogIn } from './steps';

const legacyClient = (vars: Record<string, string> = {}) =>
  newClient({ vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS, GATEKEEPER_TOKEN_PROFILE: 'legacy', ...vars } });

/** What son-access does with the route's body: wrap it in PEM and import it. */
async function microServicesKey(client: Client, alg: string) {
  const response = await client.get('/api/v2/micro-services/public-key');
  expect(response.status).toBe(200);
  const body = await json(response);
  expect(Object.keys(body)).toEqual(['items']);
  const base64: string = body.items['public-key'];
  expect(base64).toMatch(/^[A-Za-z0-9+/]+=*$/);
  return importSPKI(`-----BEGIN PUBLIC KEY-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----`, alg);
}

describe('Gatekeeper legacy token profile (son-access)', () => {
  it('logs in without a Content-Type and issues an RS256 token that verifies with the micro-services key and audience adapter', async () => {
    const client = legacyClient();
    const account = await register(client, 'developer');
    const response = await client.post('/api/v2/sessions', {
      raw: JSON.stringify({ username: account.username, password: account.password }),
    });
    expect(response.status).toBe(200);
    const token: string = (await json(response)).token.access_token;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: 'test-rs256-1' });
    const { payload } = await jwtVerify(token, await microServicesKey(client, 'RS256'), { algorithms: ['RS256'], audience: 'adapter' });
    expect(payload.preferred_username).toBe(account.username);
    expect(payload.sub).toBe(account.uuid);
    // The token works on the face itself, and the PEM route publishes the same key.
    expect((await client.get('/api/v2/users', { token })).status).toBe(200);
    const pem = (await json(await client.get('/api/v2/users/public-key')))['public-key'];
    await jwtVerify(token, await importSPKI(pem, 'RS256'), { audience: 'adapter' });
  });

  it('takes the audience from GATEKEEPER_TOKEN_AUDIENCE', async () => {
    const client = legacyClient({ GATEKEEPER_TOKEN_AUDIENCE: 'son-adapter' });
    const session = await registerAndLogIn(client, 'customer');
    const key = await microServicesKey(client, 'RS256');
    await expect(jwtVerify(session.token, key, { audience: 'son-adapter' })).resolves.toBeDefined();
    await expect(jwtVerify(session.token, key, { audience: 'adapter' })).rejects.toThrow();
  });

  it('refuses to start when the legacy profile has no RSA key, naming the var', async () => {
    const client = newClient({ vars: { GATEKEEPER_TOKEN_PROFILE: 'legacy' } });
    const response = await client.get('/api/v2/micro-services/public-key');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toMatch(/^Invalid configuration: GATEKEEPER_TOKEN_PROFILE .*RS256/);
  });
});

describe('Gatekeeper routes its clients call', () => {
  it('answers every route with a trailing slash as without', async () => {
    const client = newClient();
    const admin = await registerAndLogIn(client, 'admin');
    const account = await register(client, 'developer');
    const registered = await client.post('/api/v2/users/', {
      body: {
        username: `slash_${crypto.randomUUID().slice(0, 8)}`,
        password: account.password,
        email: `s.${crypto.randomUUID().slice(0, 8)}@example.com`,
        user_type: 'customer',
      },
    });
    expect(registered.status).toBe(201);
    const login = await client.post('/api/v2/sessions/', { body: { username: account.username, password: account.password } });
    expect(login.status).toBe(200);
    const token = (await json(login)).token.access_token;
    expect(await json(await client.get('/api/v2/users/', { token }))).toEqual(await json(await client.get('/api/v2/users', { token })));
    expect(await json(await client.get(`/api/v2/users/${account.uuid}/`, { token: admin.token }))).toMatchObject({ uuid: account.uuid });
    expect((await client.request('OPTIONS', '/api/v2/users/')).status).toBe(200);
    expect((await client.get('/api/v2/micro-services/public-key/')).status).toBe(200);
    expect((await client.delete('/api/v2/sessions/', { token })).status).toBe(204);
    expect((await client.get('/api/v2/users', { token })).status).toBe(401);
  });

  it('GET /api/v2/users/username answers the token username as a JSON string', async () => {
    const client = newClient();
    const session = await logIn(client, await register(client, 'customer'));
    const response = await client.get('/api/v2/users/username', { token: session.token });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(JSON.stringify(session.username));
    expect((await client.get('/api/v2/users/username')).status).toBe(401);
  });

  it('GET /api answers the Gatekeeper root', async () => {
    const client = newClient();
    for (const path of ['/api', '/api/']) {
      const response = await client.get(path);
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual(
        expect.arrayContaining([{ uri: '/api/v2/sessions', method: 'POST', purpose: expect.any(String) }]),
      );
    }
  });

  it('publishes the default EC key on the micro-services route when no profile is set', async () => {
    const client = newClient();
    const session = await registerAndLogIn(client, 'customer');
    expect(decodeProtectedHeader(session.token).alg).toBe('ES256');
    await expect(jwtVerify(session.token, await microServicesKey(client, 'ES256'))).resolves.toBeDefined();
  });
});
