// Signing in through a real OpenID provider on loopback: panva's oidc-provider, started by this
// file with a client whose redirect URI is the one Gatehouse answered for the provider. Chromium is
// the person: the hosted sign-in page's "Continue with" button, the provider's own login and
// consent pages, back to Gatehouse's account page. A second sign-in reuses the user; an account
// holding the address is not taken over; denied consent and a tampered state end on the error page;
// an app's /oauth/authorize?identity_provider= goes straight there, and oauth4webapi completes its code flow.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationQuery } from '../support/pkce.ts';
import { admin, createUser, gatehouse, startCallbackServer, uniqueEmail, useBrowser, type CallbackServer } from './support/index.ts';

const chromium = useBrowser();
const PROVIDER_ID = `corp-${crypto.randomUUID().slice(0, 8)}`;
const PROVIDER_NAME = `Corp SSO ${PROVIDER_ID}`;
const CLIENT_SECRET = `secret-${crypto.randomUUID()}`;

let server: Server;
let issuer: string;
let callbacks: CallbackServer;

beforeAll(async () => {
  // The issuer's port first: Gatehouse's provider names it, and the redirect URI it answers goes into the upstream client.
  server = (await import('node:http')).createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await admin<{ redirectUri: string }>('/identity-providers', {
    body: { id: PROVIDER_ID, name: PROVIDER_NAME, kind: 'oidc', issuer, clientId: 'gatehouse', clientSecret: CLIENT_SECRET },
  });
  expect(created.redirectUri).toBe(`${gatehouse().url}/signin/callback/${PROVIDER_ID}`);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'gatehouse',
        client_secret: CLIENT_SECRET,
        redirect_uris: [created.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // The login is the person's e-mail; one starting with "unverified" is not vouched for.
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, email: id, email_verified: !id.startsWith('unverified') }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    cookies: { keys: [crypto.randomUUID()] },
  } as never);
  server.on('request', provider.callback());
  callbacks = await startCallbackServer();
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await callbacks?.close();
});

/** Through the provider's login (and consent) as `login`, once the browser is there; back at `until`. */
async function loginUpstream(page: Page, login: string, until = (url: URL) => url.href.startsWith(gatehouse().url)): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await page.waitForURL((url) => !url.href.startsWith(issuer) || url.pathname.startsWith('/interaction/'));
  if (page.url().startsWith(issuer) && (await consent.count()) > 0) await consent.click();
  await page.waitForURL(until);
}

/** From Gatehouse's sign-in page through the provider's login (and consent) as `login`. */
async function signInUpstream(page: Page, login: string): Promise<void> {
  await page.goto(`${gatehouse().url}/signin?return=/account`);
  await page.getByRole('link', { name: `Continue with ${PROVIDER_NAME}` }).click();
  await loginUpstream(page, login);
}

describe('an upstream OpenID provider (oidc-provider on loopback)', () => {
  it('signs in from the hosted page, and a second sign-in reuses the user', async () => {
    const email = uniqueEmail('fed');
    const page = await chromium.newPage();
    await signInUpstream(page, email);
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.content()).toContain(email);
    const users = await admin<{ items: { id: string; email: string }[] }>(`/users?q=${encodeURIComponent(email)}`);
    expect(users.items).toHaveLength(1);

    const again = await chromium.newPage();
    await signInUpstream(again, email);
    expect(new URL(again.url()).pathname).toBe('/account');
    expect((await admin<{ items: unknown[] }>(`/users?q=${encodeURIComponent(email)}`)).items).toHaveLength(1);
  });

  it('does not take over an account that holds the address: the error page says to sign in the usual way', async () => {
    const owner = await createUser();
    const page = await chromium.newPage();
    await signInUpstream(page, owner.email);
    expect(new URL(page.url()).pathname).toBe(`/signin/callback/${PROVIDER_ID}`);
    expect(await page.content()).toContain('An account with this e-mail address exists already');
  });

  it('ends denied consent and a tampered state on the error page', async () => {
    const page = await chromium.newPage();
    await page.goto(`${gatehouse().url}/signin?return=/account`);
    await page.getByRole('link', { name: `Continue with ${PROVIDER_NAME}` }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    await page.waitForURL((url) => url.href.startsWith(gatehouse().url));
    expect(await page.content()).toContain('cancelled or refused');

    const tampered = await chromium.newPage();
    await tampered.goto(`${gatehouse().url}/signin?return=/account`);
    await tampered.getByRole('link', { name: `Continue with ${PROVIDER_NAME}` }).click();
    await tampered.waitForURL((url) => url.href.startsWith(issuer));
    const answer = await tampered.goto(`${gatehouse().url}/signin/callback/${PROVIDER_ID}?code=forged&state=tampered`);
    expect(answer?.status()).toBe(400);
    expect(await tampered.content()).toContain('could not be matched');
  });

  it('goes straight to the provider from /oauth/authorize?identity_provider=, and oauth4webapi completes the app’s code flow', async () => {
    const redirectUri = `${callbacks.url}/callback`;
    const { clientId } = await admin<{ clientId: string }>('/clients', {
      body: { name: 'Federated app', redirectUris: [redirectUri], public: true },
    });
    const insecure = { [oauth.allowInsecureRequests]: true } as const;
    const server = new URL(gatehouse().url);
    const as = await oauth.processDiscoveryResponse(server, await oauth.discoveryRequest(server, { algorithm: 'oidc', ...insecure }));
    const app: oauth.Client = { client_id: clientId };
    const { query, pkce } = await authorizationQuery(clientId, redirectUri, { identity_provider: PROVIDER_ID });
    const email = uniqueEmail('fedapp');
    const page = await chromium.newPage();
    await page.goto(`${as.authorization_endpoint}?${query}`);
    await loginUpstream(page, email, (url) => url.href.startsWith(callbacks.url));
    const params = oauth.validateAuthResponse(as, app, callbacks.last('/callback'), pkce.state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      app,
      await oauth.authorizationCodeGrantRequest(as, app, oauth.None(), params, redirectUri, pkce.verifier, insecure),
      { expectedNonce: pkce.nonce, requireIdToken: true },
    );
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ email, amr: ['fed'], idp: PROVIDER_ID });
    const verified = await fetch(`${gatehouse().url}/auth/verify`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(verified.status).toBe(200);
  });
});
