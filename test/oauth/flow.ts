// The authorization code flow's test steps: a registered client, a user signed in on the hosted
// page, GET /oauth/authorize as that browser with PKCE, and the code exchange, all through
// oauth4webapi reaching the Worker by `customFetch`.
import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { createUser, type TestUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { json, newClient, type Client } from '../support/driver';
import { authorizationQuery, type Pkce } from '../support/pkce';

export const issuer = new URL('https://gatehouse.test');
export const CALLBACK = 'https://app.example/callback';
export const AFTER_LOGOUT = 'https://app.example/bye';

export async function discover(client: Client) {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.customFetch]: client.fetch }));
}

export async function register(client: Client, fields: Record<string, unknown> = {}): Promise<{ clientId: string; clientSecret?: string }> {
  const response = await client.admin('POST', '/admin/v1/clients', {
    body: { name: 'App', redirectUris: [CALLBACK], postLogoutRedirectUris: [AFTER_LOGOUT], public: true, ...fields },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return json(response);
}

export interface Setup {
  client: Client;
  as: oauth.AuthorizationServer;
  app: oauth.Client;
  auth: oauth.ClientAuth;
  browser: Browser;
  user: TestUser;
  secret?: string;
  options: { [oauth.customFetch]: Client['fetch'] };
}

/** A registered client, a user signed in on the hosted page, and the discovery document. */
export async function setUp(fields: Record<string, unknown> = {}): Promise<Setup> {
  const client = newClient();
  const registered = await register(client, fields);
  const user = await createUser(client, { username: `oidc${crypto.randomUUID().slice(0, 8)}`, firstName: 'Ada', lastName: 'Lovelace' });
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  const auth = registered.clientSecret ? oauth.ClientSecretBasic(registered.clientSecret) : oauth.None();
  return {
    client,
    as: await discover(client),
    app: { client_id: registered.clientId },
    auth,
    browser,
    user,
    secret: registered.clientSecret,
    options: { [oauth.customFetch]: client.fetch },
  };
}

export type { Pkce };

/** GET /oauth/authorize as the browser, with PKCE; `extra` overrides or (as null) removes parameters. */
export async function authorize(
  s: Pick<Setup, 'browser' | 'app'>,
  extra: Record<string, string | null> = {},
): Promise<{ response: Response; pkce: Pkce }> {
  const { query, pkce } = await authorizationQuery(s.app.client_id, CALLBACK, extra);
  return { response: await s.browser.get(`/oauth/authorize?${query}`), pkce };
}

/** The callback a 302 to the client's redirect URI carries. */
export function callbackOf(response: Response): URL {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return location;
}

export async function codeCallback(s: Setup, extra: Record<string, string | null> = {}) {
  const { response, pkce } = await authorize(s, extra);
  return { params: oauth.validateAuthResponse(s.as, s.app, callbackOf(response), pkce.state), pkce };
}

/**
 * A public client's code exchange as oauth4webapi makes it: the callback its redirect URI got
 * (an absolute URL), checked against the state sent, and the tokens, the ID token's nonce checked.
 */
export async function publicClientTokens(client: Client, clientId: string, callback: string, pkce: Pkce) {
  const as = await discover(client);
  const app: oauth.Client = { client_id: clientId };
  const params = oauth.validateAuthResponse(as, app, new URL(callback), pkce.state);
  const options = { [oauth.customFetch]: client.fetch };
  const response = await oauth.authorizationCodeGrantRequest(as, app, oauth.None(), params, CALLBACK, pkce.verifier, options);
  return oauth.processAuthorizationCodeResponse(as, app, response, { expectedNonce: pkce.nonce });
}

export function exchange(s: Setup, params: URLSearchParams, verifier: string, app = s.app, auth = s.auth) {
  return oauth.authorizationCodeGrantRequest(s.as, app, auth, params, CALLBACK, verifier, s.options);
}
