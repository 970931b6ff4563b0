import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant, verifyStatus } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { untilLimited } from '../support/rate-limit';

const issuer = new URL('https://gatehouse.test');
const publicClient: oauth.Client = { client_id: 'gatehouse' };

async function discover(client: Client) {
  const response = await oauth.discoveryRequest(issuer, { [oauth.customFetch]: client.fetch });
  return oauth.processDiscoveryResponse(issuer, response);
}

describe('OAuth with a standard client library (oauth4webapi)', () => {
  it('accepts the discovery document', async () => {
    const as = await discover(newClient());
    expect(as.token_endpoint).toBe('https://gatehouse.test/oauth/token');
    expect(as.introspection_endpoint).toBe('https://gatehouse.test/oauth/introspect');
  });

  it('runs the password grant, validates the JWT access token, refreshes and reads userinfo', async () => {
    const client = newClient();
    const user = await createUser(client, { username: `lib${crypto.randomUUID().slice(0, 8)}` });
    const as = await discover(client);
    const options = { [oauth.customFetch]: client.fetch };
    const grant = await oauth.genericTokenEndpointRequest(
      as,
      publicClient,
      oauth.None(),
      'password',
      new URLSearchParams({ username: user.email, password: user.password }),
      options,
    );
    const tokens = await oauth.processGenericTokenEndpointResponse(as, publicClient, grant);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);

    const request = new Request('https://api.example/thing', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, 'gatehouse', options);
    expect(claims.sub).toBe(user.id);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      publicClient,
      await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), tokens.refresh_token!, options),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const info = await oauth.processUserInfoResponse(
      as,
      publicClient,
      user.id,
      await oauth.userInfoRequest(as, publicClient, refreshed.access_token, options),
    );
    expect(info).toMatchObject({ sub: user.id, email: user.email });
  });

  it('turns a wrong password into an RFC 6749 invalid_grant error', async () => {
    const client = newClient();
    const user = await createUser(client);
    const as = await discover(client);
    const response = await oauth.genericTokenEndpointRequest(
      as,
      publicClient,
      oauth.None(),
      'password',
      new URLSearchParams({ username: user.email, password: 'not the password' }),
      { [oauth.customFetch]: client.fetch },
    );
    await expect(oauth.processGenericTokenEndpointResponse(as, publicClient, response)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('introspects with a server token sent as client_secret_basic', async () => {
    const client = newClient();
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    const { token: serverToken } = await json(await client.admin('POST', '/admin/v1/ecosystems/default/server-tokens', { body: {} }));
    const as = await discover(client);
    const introspection = await oauth.processIntrospectionResponse(
      as,
      publicClient,
      await oauth.introspectionRequest(as, publicClient, oauth.ClientSecretBasic(serverToken), tokens.access_token, {
        [oauth.customFetch]: client.fetch,
      }),
    );
    expect(introspection).toMatchObject({ active: true, sub: user.id, token_type: 'Bearer', eco: 'default' });
  });

  it('revokes a refresh token with RFC 7009', async () => {
    const client = newClient();
    const tokens = await logIn(client, await createUser(client));
    const as = await discover(client);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, publicClient, oauth.None(), tokens.refresh_token, { [oauth.customFetch]: client.fetch }),
    );
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
  });
});

describe('the OAuth endpoints', () => {
  it('logs in by username as well as by e-mail, and sends no-store', async () => {
    const client = newClient();
    const username = `u${crypto.randomUUID().slice(0, 8)}`;
    const user = await createUser(client, { username });
    const response = await passwordGrant(client, username, user.password);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await json(response)).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
    });
  });

  it('answers revocation of an unknown token with 200', async () => {
    const response = await newClient().post('/oauth/revoke', { form: { token: 'nothing-we-issued' } });
    expect(response.status).toBe(200);
  });

  it('refuses introspection without a server or account token', async () => {
    const client = newClient();
    const none = await client.post('/oauth/introspect', { form: { token: 'x' } });
    expect(none.status).toBe(401);
    expect(await json(none)).toMatchObject({ error: 'invalid_client' });
    const { access_token } = await logIn(client, await createUser(client));
    const withUserToken = await client.post('/oauth/introspect', { token: access_token, form: { token: access_token } });
    expect(withUserToken.status).toBe(401);
  });

  it('reports a token of another ecosystem as inactive to a server token', async () => {
    const client = newClient();
    const ecosystem = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'other' } }));
    const { token: foreign } = await json(await client.admin('POST', `/admin/v1/ecosystems/${ecosystem.id}/server-tokens`, { body: {} }));
    const tokens = await logIn(client, await createUser(client));
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const response = await client.post('/oauth/introspect', { headers: { authorization: foreign }, form: { token } });
      expect(await json(response)).toEqual({ active: false });
    }
    const asOperator = await client.post('/oauth/introspect', { token: client.accountToken, form: { token: tokens.refresh_token } });
    expect(await json(asOperator)).toMatchObject({ active: true, token_type: 'refresh_token' });
  });

  it('answers malformed requests with RFC 6749 errors, never a 500', async () => {
    const client = newClient();
    const cases = [
      client.post('/oauth/token', { form: {} }),
      client.post('/oauth/token', {
        raw: 'grant_type=password&username',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      client.post('/oauth/token', { raw: '{"grant_type": ', headers: { 'content-type': 'application/json' } }),
      client.post('/oauth/token', { body: { grant_type: 'password', username: ['a'], password: 'x' } }),
      client.post('/oauth/revoke', { form: {} }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('refuses userinfo without a token with a Bearer challenge', async () => {
    const response = await newClient().get('/oauth/userinfo');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse"');
  });
});

describe('rate limiting of the token route', () => {
  it('answers 429 in RFC 6749 shape once a client passes the per-minute limit', async () => {
    const client = newClient();
    const someone = () => `someone.${crypto.randomUUID()}@example.com`;
    const limited = await untilLimited(() => passwordGrant(client, someone(), 'a wrong password'), 400);
    expect(limited.status).toBe(429);
    expect(await json(limited)).toMatchObject({ error: 'slow_down' });
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect((await passwordGrant(newClient(), someone(), 'a wrong password')).status).toBe(400);
  });
});
