// The fixtures every robustness sweep attacks: one user of the default ecosystem (with a username,
// a developer, logged in through OAuth, the User Service and the Gatekeeper), an ecosystem with an
// environment, a server token and an application user holding a droplit user token.
import { expect } from 'vitest';
import { json, strongPassword, type Client, type RequestOptions } from '../support/driver';

export interface World {
  /** Lower-case prefix of every e-mail, username and unique id made for this world. */
  tag: string;
  user: { id: string; email: string; username: string; password: string };
  tokens: Record<TokenKind, string>;
  /** The Gatekeeper login's session id. */
  gkSession: string;
  eco: { id: string; serverTokenId: string; environmentId: string };
  app: { uniqueId: string; path: string };
  /** A registered public OAuth client with one redirect URI and one post-logout URI. */
  oauthClient: { id: string; redirectUri: string; postLogoutRedirectUri: string };
  /** A configured upstream identity provider (its issuer on loopback, never reached by the sweep). */
  identityProvider: { id: string };
  /** A webhook of the world's ecosystem, disabled: nothing is delivered anywhere. */
  webhook: { id: string };
}

/** Every kind of credential the service hands out. */
export type TokenKind = 'account' | 'server' | 'access' | 'usAccess' | 'gkAccess' | 'refresh' | 'usRefresh' | 'app';
export const TOKEN_KINDS: TokenKind[] = ['account', 'server', 'access', 'usAccess', 'gkAccess', 'refresh', 'usRefresh', 'app'];

let requests = 0;

/** Sends a request from an address of its own, so per-client rate limits never interfere. */
export function send(client: Client, method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  requests += 1;
  const address = `2001:db8:7b:${requests.toString(16)}::${Math.floor(Math.random() * 0xffff).toString(16)}`;
  return client.request(method, path, { ...opts, headers: { 'CF-Connecting-IP': address, ...opts.headers } });
}

async function expectOk(response: Response, status = 200): Promise<any> {
  expect(response.status, await response.clone().text()).toBe(status);
  return json(response);
}

export async function buildWorld(client: Client): Promise<World> {
  const tag = `rb${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const user = { email: `${tag}.me@example.com`, username: `${tag}_me`, password: strongPassword() };
  const created = await expectOk(await client.admin('POST', '/admin/v1/users', { body: { ...user, role: 'developer' } }), 201);
  const grant = { grant_type: 'password', username: user.email, password: user.password };
  const oauth = await expectOk(await send(client, 'POST', '/oauth/token', { form: grant }));
  const us = await expectOk(await send(client, 'POST', '/v1/users/login', { body: { email: user.email, password: user.password } }));
  const gk = await expectOk(await send(client, 'POST', '/api/v2/sessions', { body: { username: user.username, password: user.password } }));
  const eco = await expectOk(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: tag } }), 201);
  const env = await expectOk(await client.admin('POST', `/admin/v1/ecosystems/${eco.id}/environments`, { body: { name: 'prod' } }), 201);
  const server = await expectOk(
    await client.admin('POST', `/admin/v1/ecosystems/${eco.id}/server-tokens`, { body: { name: 'backend' } }),
    201,
  );
  const uniqueId = `${tag}-app`;
  const path = `/api/users/${eco.id};${uniqueId}`;
  const access = [{ environmentId: env.id, accessLevel: 'all' }];
  await expectOk(await client.admin('PUT', path, { body: { email: `${tag}.app@example.com`, meta: { plan: 'pro' }, access } }), 201);
  const app = await expectOk(await client.admin('POST', `${path}/tokens?expiryType=SlidingTtl&ttl=3600`));
  const redirectUri = `https://${tag}.example/callback`;
  const postLogoutRedirectUri = `https://${tag}.example/bye`;
  const registered = await expectOk(
    await client.admin('POST', '/admin/v1/clients', {
      body: { name: tag, redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutRedirectUri], public: true },
    }),
    201,
  );
  const identityProvider = await expectOk(
    await client.admin('POST', '/admin/v1/identity-providers', {
      body: { id: `${tag}-idp`, name: tag, kind: 'oidc', clientId: tag, clientSecret: `${tag}-secret`, issuer: 'http://127.0.0.1:9' },
    }),
    201,
  );
  const webhook = await expectOk(
    await client.admin('POST', '/admin/v1/webhooks', {
      body: { url: `https://${tag}.example/hooks`, events: ['ecosystem.deleted'], ecosystemId: eco.id, disabled: true },
    }),
    201,
  );
  return {
    tag,
    user: { id: created.id, ...user },
    tokens: {
      account: client.accountToken,
      server: server.token,
      access: oauth.access_token,
      usAccess: us.accessToken,
      gkAccess: gk.token.access_token,
      refresh: oauth.refresh_token,
      usRefresh: us.refreshToken,
      app: app.token,
    },
    gkSession: gk.token.session_state,
    eco: { id: eco.id, serverTokenId: server.id, environmentId: env.id },
    app: { uniqueId, path },
    oauthClient: { id: registered.clientId, redirectUri, postLogoutRedirectUri },
    identityProvider: { id: identityProvider.id },
    webhook: { id: webhook.id },
  };
}
