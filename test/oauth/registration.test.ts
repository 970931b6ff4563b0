// Dynamic client registration (RFC 7591) and its management (RFC 7592): an operator's initial
// access token (bound to an ecosystem, shown once, limited in time and uses), open registration of
// public clients where the ecosystem allows it, the metadata checked as an operator's client is,
// RFC 7591's error codes, and the registration access token that reads, replaces and deletes the
// registration. A dynamically registered client completes the code flow with oauth4webapi.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, TestClock, type Client } from '../support/driver';
import { callbackOf, CALLBACK, discover } from './flow';
import { authorizationQuery } from '../support/pkce';
import { untilLimited } from '../support/rate-limit';

async function initialAccessToken(client: Client, body: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const response = await client.admin('POST', '/admin/v1/initial-access-tokens', { body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json(response);
}

function registerWith(client: Client, metadata: Record<string, unknown>, token?: string) {
  return client.post('/oauth/register', { body: metadata, ...(token === undefined ? {} : { token }) });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(await json(response)).toMatchObject({ error, error_description: expect.any(String) });
  return response;
}

const PUBLIC_APP = { client_name: 'Notes', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' };

async function eventsOf(client: Client, clientId: string) {
  const items = [];
  for (const type of ['client.created', 'client.deleted']) {
    items.push(...(await json(await client.admin('GET', `/admin/v1/events?type=${type}&limit=100`))).items);
  }
  return (items as { type: string; actor: { type: string; id?: string }; details: { clientId: string } }[]).filter(
    (event) => event.details.clientId === clientId,
  );
}

describe('dynamic client registration (RFC 7591)', () => {
  it('registers a confidential client with an initial access token, which then completes the code flow with oauth4webapi', async () => {
    const client = newClient();
    const as = await discover(client);
    expect(as.registration_endpoint).toBe('https://gatehouse.test/oauth/register');
    const { token } = await initialAccessToken(client, { name: 'partners', maxUses: 5 });
    // oauth4webapi's own registration request and answer check.
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      { client_name: 'Partner app', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' },
      { initialAccessToken: token, [oauth.customFetch]: client.fetch },
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const registered = await oauth.processDynamicClientRegistrationResponse(response);
    expect(registered).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_secret_expires_at: 0,
      client_id_issued_at: expect.any(Number),
      client_name: 'Partner app',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile email',
      registration_access_token: expect.any(String),
      registration_client_uri: `https://gatehouse.test/oauth/register/${registered.client_id}`,
    });

    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const { query, pkce } = await authorizationQuery(registered.client_id, CALLBACK);
    const callback = callbackOf(await browser.get(`/oauth/authorize?${query}`));
    const app: oauth.Client = { client_id: registered.client_id };
    const params = oauth.validateAuthResponse(as, app, callback, pkce.state);
    const options = { [oauth.customFetch]: client.fetch };
    const auth = oauth.ClientSecretBasic(registered.client_secret as string);
    const exchanged = await oauth.authorizationCodeGrantRequest(as, app, auth, params, CALLBACK, pkce.verifier, options);
    const tokens = await oauth.processAuthorizationCodeResponse(as, app, exchanged, { expectedNonce: pkce.nonce });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, aud: registered.client_id });

    // The operator sees it, with the ecosystem it registered in; the event names the token as actor.
    const shown = await json(await client.admin('GET', `/admin/v1/clients/${registered.client_id}`));
    expect(shown).toMatchObject({ registeredInEcosystemId: 'default', public: false });
    const [created] = await eventsOf(client, registered.client_id);
    expect(created).toMatchObject({ type: 'client.created', actor: { type: 'initial_access_token' } });
  });

  it('shows the initial access token once, stores it hashed, and lists and deletes it', async () => {
    const client = newClient();
    const made = await initialAccessToken(client, { name: 'ci', expiresInSeconds: 3600, maxUses: 2 });
    expect(made.token).toMatch(/^iat_/);
    const { items } = await json(await client.admin('GET', '/admin/v1/initial-access-tokens'));
    const listed = items.find((item: { id: string }) => item.id === made.id);
    expect(listed).toMatchObject({ name: 'ci', ecosystemId: 'default', maxUses: 2, uses: 0, expiresAt: expect.any(String) });
    expect(listed).not.toHaveProperty('token');
    expect(JSON.stringify(items)).not.toContain(made.token);
    expect((await client.admin('DELETE', `/admin/v1/initial-access-tokens/${made.id}`)).status).toBe(204);
    expect((await client.admin('DELETE', `/admin/v1/initial-access-tokens/${made.id}`)).status).toBe(404);
    await expectError(await registerWith(client, PUBLIC_APP, made.token), 401, 'invalid_token');
    // Only the operator makes them.
    expect((await client.post('/admin/v1/initial-access-tokens', { body: {} })).status).toBe(401);
    const unknown = await client.admin('POST', '/admin/v1/initial-access-tokens', { body: { ecosystemId: 'no-such-ecosystem' } });
    expect(unknown.status).toBe(404);
  });

  it('refuses without a live token: none (open registration off), a wrong one, an expired one, one used up', async () => {
    const clock = new TestClock();
    const client = newClient({ clock });
    const refused = await expectError(await registerWith(client, PUBLIC_APP), 401, 'invalid_token');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    await expectError(await registerWith(client, PUBLIC_APP, 'iat_not-a-token'), 401, 'invalid_token');

    const once = await initialAccessToken(client, { maxUses: 1 });
    expect((await registerWith(client, PUBLIC_APP, once.token)).status).toBe(201);
    await expectError(await registerWith(client, PUBLIC_APP, once.token), 401, 'invalid_token');

    const hour = await initialAccessToken(client, { expiresInSeconds: 3600 });
    expect((await registerWith(client, PUBLIC_APP, hour.token)).status).toBe(201);
    clock.advance(3601);
    await expectError(await registerWith(client, PUBLIC_APP, hour.token), 401, 'invalid_token');
    const { items } = await json(await client.admin('GET', '/admin/v1/initial-access-tokens'));
    expect(items.find((item: { id: string }) => item.id === once.id)).toMatchObject({ uses: 1 });
  });

  it('counts uses atomically: of concurrent registrations with a one-use token, one wins and no other client is left', async () => {
    const client = newClient();
    const { token } = await initialAccessToken(client, { maxUses: 1 });
    const before = (await json(await client.admin('GET', '/admin/v1/clients'))).items.length;
    const answers = await Promise.all(Array.from({ length: 4 }, () => registerWith(client, PUBLIC_APP, token)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401, 401, 401]);
    const after = (await json(await client.admin('GET', '/admin/v1/clients'))).items.length;
    expect(after).toBe(before + 1);
  });

  it('checks the metadata as for an operator’s client, with RFC 7591’s error codes', async () => {
    const client = newClient();
    const { token } = await initialAccessToken(client);
    const bad = async (metadata: Record<string, unknown>, error: string) =>
      expectError(await registerWith(client, { ...PUBLIC_APP, ...metadata }, token), 400, error);
    await bad({ redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri');
    await bad({ redirect_uris: ['https://app.example/cb#fragment'] }, 'invalid_redirect_uri');
    await bad({ redirect_uris: [] }, 'invalid_redirect_uri');
    await bad({ redirect_uris: undefined }, 'invalid_redirect_uri');
    await bad({ post_logout_redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri');
    await bad({ token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata');
    await bad({ grant_types: ['implicit'] }, 'invalid_client_metadata');
    await bad({ grant_types: ['client_credentials'] }, 'invalid_client_metadata');
    await bad({ response_types: ['token'] }, 'invalid_client_metadata');
    await bad({ scope: 'openid admin' }, 'invalid_client_metadata');
    await bad({ client_name: '' }, 'invalid_client_metadata');
    await bad({ jwks_uri: 'https://app.example/jwks' }, 'invalid_client_metadata');
    await bad({ token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata');
    await bad(
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] } },
      'invalid_client_metadata',
    );
    const notJson = await client.post('/oauth/register', { raw: '{', headers: { 'content-type': 'application/json' }, token });
    await expectError(notJson, 400, 'invalid_request');
    // Unknown members are ignored (RFC 7591 2), and a public client gets no secret.
    const fine = await registerWith(client, { ...PUBLIC_APP, logo_uri: 'https://app.example/logo.png', scope: 'openid' }, token);
    expect(fine.status).toBe(201);
    const body = await json(fine);
    expect(body).toMatchObject({ token_endpoint_auth_method: 'none', scope: 'openid' });
    expect(body).not.toHaveProperty('client_secret');
    expect(body).not.toHaveProperty('logo_uri');
    // A private_key_jwt client registers its public keys and gets no secret.
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    };
    const signed = await registerWith(
      client,
      { ...PUBLIC_APP, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
      token,
    );
    expect(signed.status, await signed.clone().text()).toBe(201);
    const signedBody = await json(signed);
    expect(signedBody).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(signedBody).not.toHaveProperty('client_secret');
  });

  it('registers public clients openly only where the operator allowed it, and rate-limits it', async () => {
    const client = newClient();
    const path = '/admin/v1/ecosystems/default/client-registration';
    expect(await json(await client.admin('GET', path))).toEqual({ open: false });
    expect((await client.admin('PUT', path, { body: { open: 'yes' } })).status).toBe(400);
    expect(await json(await client.admin('PUT', path, { body: { open: true } }))).toEqual({ open: true });
    try {
      const opened = await registerWith(client, PUBLIC_APP);
      expect(opened.status, await opened.clone().text()).toBe(201);
      const registered = await json(opened);
      expect(registered).toMatchObject({ token_endpoint_auth_method: 'none', registration_access_token: expect.any(String) });
      const [created] = await eventsOf(client, registered.client_id);
      expect(created).toMatchObject({ actor: { type: 'client', id: registered.client_id } });

      await expectError(
        await registerWith(client, { ...PUBLIC_APP, token_endpoint_auth_method: 'client_secret_basic' }),
        400,
        'invalid_client_metadata',
      );
      const device = { ...PUBLIC_APP, grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] };
      await expectError(await registerWith(client, device), 400, 'invalid_client_metadata');
    } finally {
      expect(await json(await client.admin('PUT', path, { body: { open: false } }))).toEqual({ open: false });
    }
    await expectError(await registerWith(client, PUBLIC_APP), 401, 'invalid_token');
    expect((await client.admin('PUT', '/admin/v1/ecosystems/no-such/client-registration', { body: { open: true } })).status).toBe(404);
    // 30 a minute per address, refused or not.
    client.newAddress();
    const limited = await untilLimited(() => registerWith(client, PUBLIC_APP), 401);
    expect(await json(limited)).toMatchObject({ error: 'slow_down' });
  });
});

describe('managing a registration (RFC 7592)', () => {
  async function registered(client: Client) {
    const { token } = await initialAccessToken(client);
    const response = await registerWith(client, { ...PUBLIC_APP, token_endpoint_auth_method: 'client_secret_post' }, token);
    expect(response.status).toBe(201);
    return json<Record<string, string>>(response);
  }

  it('reads and replaces the registration with its registration access token, and refuses any other token', async () => {
    const client = newClient();
    const app = await registered(client);
    const path = `/oauth/register/${app.client_id}`;
    const read = await client.get(path, { token: app.registration_access_token });
    expect(read.status).toBe(200);
    const body = await json(read);
    expect(body).toMatchObject({ client_id: app.client_id, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [CALLBACK] });
    expect(body).not.toHaveProperty('client_secret');
    expect(body).not.toHaveProperty('registration_access_token');

    const other = await registered(client);
    await expectError(await client.get(path, { token: other.registration_access_token! }), 401, 'invalid_token');
    await expectError(await client.get(path, { token: app.client_secret! }), 401, 'invalid_token');
    const none = await client.get(path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);

    const replaced = await client.put(path, {
      token: app.registration_access_token,
      body: { client_id: app.client_id, client_name: 'Notes 2', redirect_uris: ['https://app.example/new'], scope: 'openid email' },
    });
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    expect(await json(replaced)).toMatchObject({
      client_name: 'Notes 2',
      redirect_uris: ['https://app.example/new'],
      scope: 'openid email',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const put = (body: Record<string, unknown>) =>
      client.put(path, { token: app.registration_access_token, body: { client_id: app.client_id, redirect_uris: [CALLBACK], ...body } });
    await expectError(await put({ token_endpoint_auth_method: 'none' }), 400, 'invalid_client_metadata');
    await expectError(await put({ client_id: other.client_id }), 400, 'invalid_client_metadata');
    await expectError(await put({ redirect_uris: ['ftp://x'] }), 400, 'invalid_redirect_uri');
    await expectError(
      await put({ grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'] }),
      400,
      'invalid_client_metadata',
    );
  });

  it('deletes the registration: the client is gone, its token with it, and the event names the client', async () => {
    const client = newClient();
    const app = await registered(client);
    const path = `/oauth/register/${app.client_id}`;
    expect((await client.delete(path, { token: app.registration_access_token })).status).toBe(204);
    await expectError(await client.get(path, { token: app.registration_access_token }), 401, 'invalid_token');
    expect((await client.admin('GET', `/admin/v1/clients/${app.client_id}`)).status).toBe(404);
    const events = await eventsOf(client, app.client_id!);
    expect(events.find((event) => event.type === 'client.deleted')).toMatchObject({ actor: { type: 'client', id: app.client_id } });
    // An operator-made client has no registration access token to manage it with.
    const made = await json(
      await client.admin('POST', '/admin/v1/clients', { body: { name: 'Ops', public: true, redirectUris: [CALLBACK] } }),
    );
    await expectError(await client.get(`/oauth/register/${made.clientId}`, { token: 'anything' }), 401, 'invalid_token');
  });
});
