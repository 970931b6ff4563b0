// The OAuth 2.1 authorization code flow with PKCE and OpenID Connect, end to end: oauth4webapi in
// Node is the relying party (discovery, PKCE, state and nonce, callback validation, code exchange,
// ID token checks and signature through the JWKS, refresh), real Chromium is the person (the hosted
// sign-in filled by its labels, redirects followed to a callback server the test runs), and the
// Worker is the one the run started. Then each refusal the flow must make, seen where it happens.
import * as oauth from 'oauth4webapi';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  checkAccessibility,
  createUser,
  gatehouse,
  startCallbackServer,
  useBrowser,
  type CallbackServer,
  type TestUser,
} from './support/index.ts';
import { authorizationQuery, type Pkce } from '../support/pkce.ts';

const chromium = useBrowser();
const SESSION_COOKIE = '__Host-gatehouse-session';

let callbacks: CallbackServer;
beforeAll(async () => {
  callbacks = await startCallbackServer();
});
afterAll(async () => {
  await callbacks?.close();
});

/** The Worker over plain http on 127.0.0.1: the library refuses http unless told. */
const insecure = { [oauth.allowInsecureRequests]: true } as const;

interface RelyingParty {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  redirectUri: string;
  afterLogout: string;
}

/** A public client registered by the operator, and the server's metadata by discovery. */
async function relyingParty(): Promise<RelyingParty> {
  const redirectUri = `${callbacks.url}/callback`;
  const afterLogout = `${callbacks.url}/bye`;
  const { clientId } = await admin<{ clientId: string }>('/clients', {
    body: { name: 'Browser RP', redirectUris: [redirectUri], postLogoutRedirectUris: [afterLogout], public: true },
  });
  const issuer = new URL(gatehouse().url);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  return { as, client: { client_id: clientId }, auth: oauth.None(), redirectUri, afterLogout };
}

/** The authorization URL with PKCE S256, state and nonce; `extra` overrides parameters. */
async function authorizationUrl(rp: RelyingParty, extra: Record<string, string> = {}): Promise<{ url: string; pkce: Pkce }> {
  const { query, pkce } = await authorizationQuery(rp.client.client_id, rp.redirectUri, extra);
  const url = new URL(rp.as.authorization_endpoint!);
  url.search = query.toString();
  return { url: url.href, pkce };
}

/** A page in a context of its own that records the path of every top-level navigation. */
async function newPage(): Promise<{ page: Page; visited: string[] }> {
  const page = await chromium.newPage();
  page.setDefaultTimeout(10_000);
  const visited: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) visited.push(new URL(request.url()).pathname);
  });
  return { page, visited };
}

/** Waits until the browser is on the callback server at `path`; returns the URL the server received. */
async function arrivedAt(page: Page, path: string): Promise<URL> {
  await page.waitForURL((url) => url.origin === callbacks.url && url.pathname === path);
  await page.waitForLoadState();
  const received = callbacks.last(path);
  expect(received.href).toBe(page.url());
  return received;
}

/** The person's part on the hosted sign-in page. */
async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('E-mail or username').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A relying party, a user and a browser that has signed in through one authorization; the callback it got. */
async function signedInThroughFlow(): Promise<{
  rp: RelyingParty;
  user: TestUser;
  page: Page;
  visited: string[];
  pkce: Pkce;
  callback: URL;
}> {
  const rp = await relyingParty();
  const user = await createUser();
  const { page, visited } = await newPage();
  const { url, pkce } = await authorizationUrl(rp);
  await page.goto(url);
  expect(new URL(page.url()).pathname).toBe('/signin');
  await signIn(page, user);
  const callback = await arrivedAt(page, '/callback');
  return { rp, user, page, visited, pkce, callback };
}

function exchange(rp: RelyingParty, params: URLSearchParams, verifier: string): Promise<Response> {
  return oauth.authorizationCodeGrantRequest(rp.as, rp.client, rp.auth, params, rp.redirectUri, verifier, insecure);
}

describe('the authorization code flow in Chromium, with oauth4webapi as the relying party', () => {
  it('signs in on the hosted page, exchanges the code, verifies the ID token, refreshes, then single sign-on and RP logout', async () => {
    const rp = await relyingParty();
    expect(rp.as).toMatchObject({ code_challenge_methods_supported: ['S256'], response_types_supported: ['code'] });
    const user = await createUser();
    const { page, visited } = await newPage();

    // Not signed in: Chromium lands on the hosted sign-in page, which passes axe.
    const first = await authorizationUrl(rp, { max_age: '300' });
    await page.goto(first.url);
    const signin = new URL(page.url());
    expect(signin.origin).toBe(gatehouse().url);
    expect(signin.pathname).toBe('/signin');
    await checkAccessibility(page);
    await signIn(page, user);

    // Back at the application's callback; the library checks state and iss (RFC 9207).
    const callback = await arrivedAt(page, '/callback');
    expect(callback.searchParams.get('iss')).toBe(gatehouse().url);
    const params = oauth.validateAuthResponse(rp.as, rp.client, callback, first.pkce.state);
    const response = await exchange(rp, params, first.pkce.verifier);
    const body = await response.clone().text();
    const tokens = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, response, {
      expectedNonce: first.pkce.nonce,
      maxAge: 300,
      requireIdToken: true,
    });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile email' });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({
      iss: gatehouse().url,
      sub: user.id,
      aud: rp.client.client_id,
      nonce: first.pkce.nonce,
      email: user.email,
      email_verified: false,
    }); // Operator-made: no mail proved the address.
    // auth_time is the sign-in just made (the library already held it to max_age).
    const now = Math.floor(Date.now() / 1000);
    expect(claims.auth_time).toBeGreaterThan(now - 60);
    expect(claims.auth_time).toBeLessThanOrEqual(now + 5);
    // The ID token's signature, against the key set at the jwks_uri discovery named.
    expect(rp.as.jwks_uri).toBe(`${gatehouse().url}/.well-known/jwks.json`);
    await oauth.validateApplicationLevelSignature(rp.as, response, insecure);
    // The same check fails for the same answer with one character of the signature changed.
    const [head, payload, signature] = tokens.id_token!.split('.') as [string, string, string];
    const middle = signature.length >> 1;
    const forged = `${head}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    const forgedResponse = new Response(body.replace(tokens.id_token!, forged), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    await oauth.processAuthorizationCodeResponse(rp.as, rp.client, forgedResponse, {
      expectedNonce: first.pkce.nonce,
      requireIdToken: true,
    });
    await expect(oauth.validateApplicationLevelSignature(rp.as, forgedResponse, insecure)).rejects.toThrow(/signature/i);

    const refreshed = await oauth.processRefreshTokenResponse(
      rp.as,
      rp.client,
      await oauth.refreshTokenGrantRequest(rp.as, rp.client, rp.auth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // A second authorization in the same browser is single sign-on: straight back, no sign-in page.
    const second = await authorizationUrl(rp);
    visited.length = 0;
    await page.goto(second.url);
    const ssoCallback = await arrivedAt(page, '/callback');
    expect(visited).toEqual(['/oauth/authorize', '/callback']);
    const ssoParams = oauth.validateAuthResponse(rp.as, rp.client, ssoCallback, second.pkce.state);
    const ssoTokens = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, ssoParams, second.pkce.verifier), {
      expectedNonce: second.pkce.nonce,
    });
    expect(oauth.getValidatedIdTokenClaims(ssoTokens)).toMatchObject({ sub: user.id, auth_time: claims.auth_time });

    // RP-initiated logout through the browser: back at the registered post-logout URI with state,
    // and the browser session is over (the account page asks to sign in).
    const logout = new URL(rp.as.end_session_endpoint!);
    logout.search = new URLSearchParams({
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: rp.afterLogout,
      state: 'bye-1',
    }).toString();
    await page.goto(logout.href);
    const bye = await arrivedAt(page, '/bye');
    expect(bye.searchParams.get('state')).toBe('bye-1');
    expect((await page.context().cookies(gatehouse().url)).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);
    await page.goto(`${gatehouse().url}/account`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(new URL(page.url()).searchParams.get('return')).toBe('/account');
    // And the next authorization shows the sign-in page again.
    await page.goto((await authorizationUrl(rp)).url);
    expect(new URL(page.url()).pathname).toBe('/signin');
  });
});

describe('RP-initiated logout without an id_token_hint', () => {
  it('answers with response_mode=form_post: Chromium runs the form’s one script under its CSP and posts the code to the callback', async () => {
    const rp = await relyingParty();
    expect(rp.as.response_modes_supported).toContain('form_post');
    const user = await createUser();
    const { page, visited } = await newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    const { url, pkce } = await authorizationUrl(rp, { response_mode: 'form_post' });
    await page.goto(url);
    await signIn(page, user);
    // The answer is a page whose script submits the form at once: the browser arrives by POST.
    await page.waitForURL((at) => at.origin === callbacks.url && at.pathname === '/callback');
    await page.waitForLoadState();
    expect(refused, 'no CSP refusal or other error on the way').toEqual([]);
    const form = callbacks.lastForm('/callback');
    expect(form.get('code')).toBeTruthy();
    expect(form.get('iss')).toBe(gatehouse().url);
    // The application reads the form as it would the query; the library checks state and iss.
    const params = oauth.validateAuthResponse(rp.as, rp.client, form, pkce.state);
    const tokens = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, aud: rp.client.client_id });
    expect(visited.at(-1)).toBe('/callback');
  });

  it('asks the person first on an accessible page, and signs out only when they confirm', async () => {
    const { rp, page } = await signedInThroughFlow();
    const logout = new URL(rp.as.end_session_endpoint!);
    logout.search = new URLSearchParams({
      client_id: rp.client.client_id,
      post_logout_redirect_uri: rp.afterLogout,
      state: 'bye-2',
    }).toString();
    await page.goto(logout.href);
    expect(new URL(page.url()).pathname).toBe('/oauth/logout');
    await checkAccessibility(page);
    // Nothing ended by merely following the link.
    expect((await page.context().cookies(gatehouse().url)).map((cookie) => cookie.name)).toContain(SESSION_COOKIE);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const bye = await arrivedAt(page, '/bye');
    expect(bye.searchParams.get('state')).toBe('bye-2');
    expect((await page.context().cookies(gatehouse().url)).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);
  });
});

describe('refusals', () => {
  it("shows Gatehouse's error page for an unregistered redirect URI, and redirects nowhere", async () => {
    const rp = await relyingParty();
    const { page, visited } = await newPage();
    const before = callbacks.received.length;
    const { url } = await authorizationUrl(rp, { redirect_uri: `${callbacks.url}/elsewhere` });
    const response = await page.goto(url);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(gatehouse().url);
    expect(new URL(page.url()).pathname).toBe('/oauth/authorize');
    expect(visited).toEqual(['/oauth/authorize']);
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    expect(callbacks.received.length).toBe(before);
  });

  it('sends code_challenge_method=plain back to the redirect URI with error=invalid_request', async () => {
    const rp = await relyingParty();
    const { page } = await newPage();
    const { url, pkce } = await authorizationUrl(rp, { code_challenge_method: 'plain' });
    await page.goto(url);
    const callback = await arrivedAt(page, '/callback');
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('state')).toBe(pkce.state);
    expect(callback.searchParams.get('iss')).toBe(gatehouse().url);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(() => oauth.validateAuthResponse(rp.as, rp.client, callback, pkce.state)).toThrow(oauth.AuthorizationResponseError);
  });

  it('refuses a reused code at the token endpoint with invalid_grant', async () => {
    const { rp, pkce, callback } = await signedInThroughFlow();
    const params = oauth.validateAuthResponse(rp.as, rp.client, callback, pkce.state);
    const first = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    await expect(
      oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, params, pkce.verifier), { expectedNonce: pkce.nonce }),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    // The reuse also revoked what the first exchange issued.
    const refresh = await oauth.refreshTokenGrantRequest(rp.as, rp.client, rp.auth, first.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(rp.as, rp.client, refresh)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a tampered code verifier with invalid_grant', async () => {
    const { rp, pkce, callback } = await signedInThroughFlow();
    const params = oauth.validateAuthResponse(rp.as, rp.client, callback, pkce.state);
    const tampered = `${pkce.verifier.slice(0, -1)}${pkce.verifier.endsWith('A') ? 'B' : 'A'}`;
    await expect(
      oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, params, tampered), { expectedNonce: pkce.nonce }),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    // The code itself was good: with the verifier it was issued for, it still exchanges.
    await oauth.processAuthorizationCodeResponse(rp.as, rp.client, await exchange(rp, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
  });

  it('has oauth4webapi refuse a callback whose state is not the one it sent', async () => {
    const { rp, pkce, callback } = await signedInThroughFlow();
    expect(callback.searchParams.get('state')).toBe(pkce.state);
    expect(() => oauth.validateAuthResponse(rp.as, rp.client, callback, oauth.generateRandomState())).toThrow(/state/i);
    // The same callback with the state that was sent passes.
    expect(oauth.validateAuthResponse(rp.as, rp.client, callback, pkce.state).get('code')).toBeTruthy();
  });
});
