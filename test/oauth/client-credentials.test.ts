// The client credentials grant (RFC 6749 4.4): a confidential client the operator allowed it gets
// a machine token (subject: the client; `client_id`, `gty`, the granted `scope`; no user claims) and
// no refresh token. Refusals as RFC 6749 5.2 names them. The token counts at forward-auth only when
// the proxy asks (`?machine=1`), introspects as the client's, and stops when the client is deleted
// or the grant withdrawn: at once in this isolate and from D1, within EDGE_RECHECK_SECONDS in another.
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { json, newClient, type Client } from '../support/driver';
import { discover, register } from './flow';

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
});

async function machineClient(client: Client, fields: Record<string, unknown> = {}) {
  const registered = await register(client, {
    public: false,
    allowClientCredentials: true,
    clientCredentialsScopes: ['reports:read', 'reports:write'],
    ...fields,
  });
  return registered as { clientId: string; clientSecret: string };
}

function grant(client: Client, form: Record<string, string>, headers: Record<string, string> = {}) {
  return client.post('/oauth/token', { form: { grant_type: 'client_credentials', ...form }, headers });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(await json(response)).toMatchObject({ error });
}

async function introspect(client: Client, token: string) {
  const { token: serverToken } = await json(await client.admin('POST', '/admin/v1/ecosystems/default/server-tokens', { body: {} }));
  const response = await client.post('/oauth/introspect', { form: { token }, headers: basic('server', serverToken) });
  expect(response.status).toBe(200);
  return json(response);
}

/** The grant as oauth4webapi requests and reads it, from discovery. */
async function libraryGrant(client: Client, clientId: string, auth: oauth.ClientAuth, parameters: Record<string, string>) {
  const as = await discover(client);
  const app = { client_id: clientId };
  const request = await oauth.clientCredentialsGrantRequest(as, app, auth, parameters, { [oauth.customFetch]: client.fetch });
  return oauth.processClientCredentialsResponse(as, app, request);
}

const verify = (client: Client, token: string, query = '?machine=1') => client.get(`/auth/verify${query}`, { token });

describe('the client credentials grant', () => {
  it('issues a machine token to a confidential client with client_secret_basic: the client as subject, no refresh token', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const response = await grant(client, { scope: 'reports:read' }, basic(app.clientId, app.clientSecret));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await json(response);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number), scope: 'reports:read' });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ sub: app.clientId, client_id: app.clientId, gty: 'client_credentials', scope: 'reports:read' });
    for (const userClaim of ['sid', 'eco', 'role', 'email', 'id', 'gen', 'permissionLevel']) expect(claims).not.toHaveProperty(userClaim);
    // Such a token is no user's: the routes that want one refuse it.
    expect((await client.get('/oauth/userinfo', { token: body.access_token })).status).toBe(401);
  });

  it('takes client_secret_post, and oauth4webapi’s request; no scope asked means every allowed one', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const posted = await grant(client, { client_id: app.clientId, client_secret: app.clientSecret });
    expect(posted.status).toBe(200);
    const body = await json(posted);
    expect(body).toMatchObject({ scope: 'reports:read reports:write' });
    expect(body).not.toHaveProperty('refresh_token');

    expect((await discover(client)).grant_types_supported).toContain('client_credentials');
    const tokens = await libraryGrant(client, app.clientId, oauth.ClientSecretPost(app.clientSecret), { scope: 'reports:write' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'reports:write' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refuses a wrong or missing secret as invalid_client (a Basic challenge for Basic), a client not allowed as unauthorized_client, a scope not allowed as invalid_scope', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const wrong = await grant(client, {}, basic(app.clientId, 'not the secret'));
    await expectError(wrong, 401, 'invalid_client');
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="gatehouse"');
    await expectError(await grant(client, { client_id: app.clientId, client_secret: 'nope' }), 401, 'invalid_client');
    await expectError(await grant(client, { client_id: app.clientId }), 401, 'invalid_client');
    await expectError(await grant(client, {}), 401, 'invalid_client');
    await expectError(await grant(client, {}, basic('8d7c2a1e-0000-4000-8000-000000000000', 'x')), 401, 'invalid_client');

    const notAllowed = await register(client, { public: false });
    await expectError(await grant(client, {}, basic(notAllowed.clientId, notAllowed.clientSecret!)), 400, 'unauthorized_client');

    await expectError(await grant(client, { scope: 'reports:read admin' }, basic(app.clientId, app.clientSecret)), 400, 'invalid_scope');
    await expectError(await grant(client, { scope: 'openid' }, basic(app.clientId, app.clientSecret)), 400, 'invalid_scope');
    await expectError(await grant(client, { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer' }), 400, 'unsupported_grant_type');
  });

  it('refuses a public client: it cannot be allowed the grant, and has no secret to authenticate with', async () => {
    const client = newClient();
    const refused = await client.admin('POST', '/admin/v1/clients', {
      body: { name: 'SPA', redirectUris: ['https://app.example/callback'], public: true, allowClientCredentials: true },
    });
    expect(refused.status).toBe(400);
    const spa = await register(client, { public: true });
    await expectError(await grant(client, { client_id: spa.clientId }), 401, 'invalid_client');
    const patched = await client.admin('PATCH', `/admin/v1/clients/${spa.clientId}`, { body: { allowClientCredentials: true } });
    expect(patched.status).toBe(400);
  });

  it('counts at forward-auth only when the proxy asks (?machine=1): X-Client-Id and the scopes, no user headers', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const { access_token } = await json(await grant(client, { scope: 'reports:read' }, basic(app.clientId, app.clientSecret)));
    const plain = await verify(client, access_token, '');
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const asked = await verify(client, access_token);
    expect(asked.status).toBe(200);
    expect(asked.headers.get('x-client-id')).toBe(app.clientId);
    expect(asked.headers.get('x-client-scope')).toBe('reports:read');
    for (const header of ['x-user-id', 'x-user-email', 'x-user-role', 'x-ecosystem-id']) expect(asked.headers.get(header)).toBeNull();
    // A forged machine token (not our signature) is refused as any other.
    const [head, payload] = access_token.split('.');
    expect((await verify(client, `${head}.${payload}.${'A'.repeat(86)}`)).status).toBe(401);
  });

  it('introspects as active, the client’s, for any ecosystem’s server', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const { access_token } = await json(await grant(client, {}, basic(app.clientId, app.clientSecret)));
    const answer = await introspect(client, access_token);
    expect(answer).toMatchObject({
      active: true,
      token_type: 'Bearer',
      gty: 'client_credentials',
      client_id: app.clientId,
      sub: app.clientId,
      scope: 'reports:read reports:write',
      iss: 'https://gatehouse.test',
    });
    expect(answer).not.toHaveProperty('eco');
  });

  it('ends its machine tokens when the client is deleted: at once here and at introspection, within the recheck time in another isolate', async () => {
    const operator = newClient();
    const elsewhere = newClient();
    const app = await machineClient(operator);
    const { access_token } = await json(await grant(operator, {}, basic(app.clientId, app.clientSecret)));
    expect((await verify(operator, access_token)).status).toBe(200);
    expect((await verify(elsewhere, access_token)).status).toBe(200);

    expect((await operator.admin('DELETE', `/admin/v1/clients/${app.clientId}`)).status).toBe(204);
    expect((await verify(operator, access_token)).status).toBe(401);
    expect(await introspect(operator, access_token)).toEqual({ active: false });
    // The other isolate's verdict stands until EDGE_RECHECK_SECONDS (10) pass, then KV says no.
    elsewhere.clock.advance(11);
    expect((await verify(elsewhere, access_token)).status).toBe(401);
    await expectError(await grant(operator, {}, basic(app.clientId, app.clientSecret)), 401, 'invalid_client');
  });

  it('ends them when the operator withdraws the grant; tokens issued after it is allowed again work', async () => {
    const client = newClient();
    const app = await machineClient(client);
    const { access_token: before } = await json(await grant(client, {}, basic(app.clientId, app.clientSecret)));
    const off = await client.admin('PATCH', `/admin/v1/clients/${app.clientId}`, { body: { allowClientCredentials: false } });
    expect(off.status).toBe(200);
    expect(await json(off)).toMatchObject({ allowClientCredentials: false, clientCredentialsScopes: ['reports:read', 'reports:write'] });
    expect((await verify(client, before)).status).toBe(401);
    expect(await introspect(client, before)).toEqual({ active: false });
    await expectError(await grant(client, {}, basic(app.clientId, app.clientSecret)), 400, 'unauthorized_client');

    await client.admin('PATCH', `/admin/v1/clients/${app.clientId}`, { body: { allowClientCredentials: true } });
    const { access_token: after } = await json(await grant(client, {}, basic(app.clientId, app.clientSecret)));
    expect((await verify(client, after)).status).toBe(200);
    expect((await verify(client, before)).status).toBe(401);
    expect(await introspect(client, after)).toMatchObject({ active: true });
  });

  it('addresses a token to an allowed resource (RFC 8707): aud names it, forward-auth with ?resource= tells resources apart, others are invalid_target', async () => {
    const client = newClient();
    const reports = 'https://reports.example/api';
    const billing = 'https://billing.example/';
    const app = await machineClient(client, { clientCredentialsResources: [reports, billing] });
    const tokens = await libraryGrant(client, app.clientId, oauth.ClientSecretBasic(app.clientSecret), {
      scope: 'reports:read',
      resource: reports,
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: ['gatehouse', reports], sub: app.clientId });
    expect(await introspect(client, tokens.access_token)).toMatchObject({ active: true, aud: ['gatehouse', reports] });
    expect((await verify(client, tokens.access_token, `?machine=1&resource=${encodeURIComponent(reports)}`)).status).toBe(200);
    expect((await verify(client, tokens.access_token, `?machine=1&resource=${encodeURIComponent(billing)}`)).status).toBe(401);
    // Without a resource the token names none, and a proxy that asks for one refuses it.
    const { access_token: plain } = await json(await grant(client, {}, basic(app.clientId, app.clientSecret)));
    expect(decodeJwt(plain).aud).toBe('gatehouse');
    expect((await verify(client, plain, `?machine=1&resource=${encodeURIComponent(reports)}`)).status).toBe(401);
    expect((await verify(client, plain)).status).toBe(200);

    await expectError(
      await grant(client, { resource: 'https://elsewhere.example/' }, basic(app.clientId, app.clientSecret)),
      400,
      'invalid_target',
    );
    const bad = await client.admin('PATCH', `/admin/v1/clients/${app.clientId}`, {
      body: { clientCredentialsResources: ['https://x.example/#frag'] },
    });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({
      error: { code: 'INVALID_FIELD', message: expect.stringContaining('clientCredentialsResources') },
    });
    // Removing a resource ends the machine tokens already issued (the epoch rises).
    const narrowed = await client.admin('PATCH', `/admin/v1/clients/${app.clientId}`, { body: { clientCredentialsResources: [billing] } });
    expect(await json(narrowed)).toMatchObject({ clientCredentialsResources: [billing] });
    expect((await verify(client, tokens.access_token)).status).toBe(401);
    await expectError(await grant(client, { resource: reports }, basic(app.clientId, app.clientSecret)), 400, 'invalid_target');
  });
});
