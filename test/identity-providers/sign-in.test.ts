// Signing in through an upstream OpenID provider from the hosted pages: a small provider in the
// test (test/support/upstream-idp.ts) answers discovery, JWKS and the token endpoint through the
// Worker's outbound fetch. A first sign-in creates a user (also in the droplit face as
// `<provider>|<subject>`, with the provider's default environments); a second reuses it; an
// existing account is linked only by a verified address on both sides with linking on; every
// failure ends on a page.
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { json, newClient, type Client } from '../support/driver';
import { authorizationQuery } from '../support/pkce';
import { startUpstream, type UpstreamIdentity } from '../support/upstream-idp';
import { CALLBACK, publicClientTokens, register } from '../oauth/flow';

type Upstream = Awaited<ReturnType<typeof startUpstream>>;

async function setUp(fields: Record<string, unknown> = {}) {
  const upstream = await startUpstream();
  const client = newClient({ fetch: upstream.fetch });
  const id = `idp-${crypto.randomUUID().slice(0, 8)}`;
  const created = await client.admin('POST', '/admin/v1/identity-providers', {
    body: {
      id,
      name: `Corp ${id}`,
      kind: 'oidc',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
      ...fields,
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const provider = await json(created);
  expect(provider.redirectUri).toBe(`https://gatehouse.test/signin/callback/${id}`);
  return { upstream, client, id, browser: newBrowser(client) };
}

/** Starts at the provider's button and consents upstream as `identity`: Gatehouse's answer to the callback. */
async function signInVia(browser: Browser, upstream: Upstream, id: string, identity: UpstreamIdentity, returnTo = '/account') {
  const start = await browser.get(`/signin/with/${id}?return=${encodeURIComponent(returnTo)}`);
  expect(start.status, await start.clone().text()).toBe(302);
  return browser.get(upstream.approve(start.headers.get('location')!, identity));
}

const subject = () => `sub-${crypto.randomUUID()}`;
const address = () => `fed-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function markVerified(client: Client, email: string) {
  await client.env.DB.prepare('UPDATE users SET email_verified_at = ? WHERE email_key = ?').bind(Date.now(), email.toLowerCase()).run();
}

async function userIdOfSession(client: Client, browser: Browser): Promise<string | undefined> {
  const cookie = browser.cookies.get('__Host-gatehouse-session');
  if (!cookie) return undefined;
  const row = await client.env.DB.prepare('SELECT user_id, amr FROM sessions WHERE id = ?')
    .bind(cookie.split('.')[0])
    .first<{ user_id: string; amr: string }>();
  expect(row?.amr).toBe('["fed"]');
  return row?.user_id;
}

describe('signing in with an upstream OpenID provider', () => {
  it('shows a "Continue with" button on the sign-in page', async () => {
    const { client, id } = await setUp();
    const page = await (await newBrowser(client).get('/signin?return=/account')).text();
    expect(page).toContain(`href="/signin/with/${id}?return=%2Faccount"`);
    expect(page).toContain(`Continue with Corp ${id}`);
  });

  it('creates the user at the first sign-in, in the droplit face with the default environments, and reuses it at the second', async () => {
    const upstream = await startUpstream();
    const client = newClient({ fetch: upstream.fetch });
    const environment = await json(await client.admin('POST', '/admin/v1/ecosystems/default/environments', { body: { name: 'prod' } }));
    const id = `idp-${crypto.randomUUID().slice(0, 8)}`;
    const created = await client.admin('POST', '/admin/v1/identity-providers', {
      body: {
        id,
        name: 'Corp',
        kind: 'oidc',
        issuer: upstream.issuer,
        clientId: upstream.clientId,
        clientSecret: upstream.clientSecret,
        defaultEnvironments: [environment.id],
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const identity = { sub: subject(), email: address(), email_verified: true, given_name: 'Grace', family_name: 'Hopper' };

    const browser = newBrowser(client);
    const done = await signInVia(browser, upstream, id, identity, '/account');
    expect(done.status, await done.clone().text()).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    expect(browser.cookies.has('__Host-gatehouse-upstream')).toBe(false);
    const userId = await userIdOfSession(client, browser);
    expect(userId).toBeDefined();
    expect(await (await browser.get('/account')).text()).toContain(identity.email);

    const droplit = await client.admin('GET', `/api/users/default;${encodeURIComponent(`${id}|${identity.sub}`)}`);
    expect(droplit.status, await droplit.clone().text()).toBe(200);
    const appUser = await json(droplit);
    expect(JSON.stringify(appUser)).toContain(environment.id);
    expect(JSON.stringify(appUser)).toContain(identity.email);

    const again = newBrowser(client);
    expect((await signInVia(again, upstream, id, identity)).status).toBe(303);
    expect(await userIdOfSession(client, again)).toBe(userId);
    // The secret went to the token endpoint only as client authentication; upstream tokens are not kept.
    expect(upstream.seen).toContain('POST /token');
  });

  it('never lets an upstream that says email_verified false take over an existing account', async () => {
    const { client, upstream, id, browser } = await setUp({ linkByVerifiedEmail: true });
    const victim = await createUser(client, { email: address() });
    await markVerified(client, victim.email);
    const answer = await signInVia(browser, upstream, id, { sub: subject(), email: victim.email, email_verified: false });
    expect(answer.status).toBe(409);
    expect(await answer.text()).toContain('An account with this e-mail address exists already');
    expect(browser.cookies.has('__Host-gatehouse-session')).toBe(false);
  });

  it('links to an existing account by a verified address only when the provider allows it', async () => {
    const off = await setUp();
    const owner = await createUser(off.client, { email: address() });
    await markVerified(off.client, owner.email);
    const refused = await signInVia(off.browser, off.upstream, off.id, { sub: subject(), email: owner.email, email_verified: true });
    expect(refused.status).toBe(409);

    const on = await setUp({ linkByVerifiedEmail: true });
    const linked = await signInVia(on.browser, on.upstream, on.id, { sub: subject(), email: owner.email, email_verified: true });
    expect(linked.status).toBe(303);
    const userId = await userIdOfSession(on.client, on.browser);
    const row = await on.client.env.DB.prepare('SELECT id FROM users WHERE email_key = ?')
      .bind(owner.email.toLowerCase())
      .first<{ id: string }>();
    expect(userId).toBe(row!.id);

    // An unverified local address is not linked either, whatever the upstream says.
    const unverified = await createUser(on.client, { email: address() });
    const notLinked = await signInVia(newBrowser(on.client), on.upstream, on.id, {
      sub: subject(),
      email: unverified.email,
      email_verified: true,
    });
    expect(notLinked.status).toBe(409);
  });

  it('ends a tampered state, a missing state cookie and a denied consent on an error page', async () => {
    const { client, upstream, id, browser } = await setUp();
    const start = await browser.get(`/signin/with/${id}`);
    const callback = new URL(upstream.approve(start.headers.get('location')!, { sub: subject() }), 'https://gatehouse.test');
    callback.searchParams.set('state', 'tampered');
    const tampered = await browser.get(callback.pathname + callback.search);
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain('could not be matched');
    expect(browser.cookies.has('__Host-gatehouse-session')).toBe(false);

    const other = newBrowser(client);
    const started = await browser.get(`/signin/with/${id}`);
    const noCookie = await other.get(upstream.approve(started.headers.get('location')!, { sub: subject() }));
    expect(noCookie.status).toBe(400);

    const denied = await browser.get(upstream.deny((await browser.get(`/signin/with/${id}`)).headers.get('location')!));
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('cancelled or refused');

    const unknown = await browser.get('/signin/with/no-such-provider');
    expect(unknown.status).toBe(404);
  });

  it('ends an upstream error and an ID token that does not verify on an error page, never a 500', async () => {
    const { upstream, id, browser } = await setUp();
    upstream.tamper.tokenStatus = 500;
    expect((await signInVia(browser, upstream, id, { sub: subject() })).status).toBe(502);
    upstream.tamper.tokenStatus = undefined;
    for (const lie of [{ aud: 'someone-else' }, { nonce: 'replayed' }, { iss: 'https://evil.test' }, { exp: 1 }]) {
      upstream.tamper.idToken = (claims) => ({ ...claims, ...lie });
      const answer = await signInVia(browser, upstream, id, { sub: subject() });
      expect(answer.status, JSON.stringify(lie)).toBe(502);
      expect(browser.cookies.has('__Host-gatehouse-session')).toBe(false);
    }
    // Signed by a key that is not in the upstream's JWKS.
    upstream.tamper.idToken = undefined;
    upstream.tamper.foreignKey = true;
    expect((await signInVia(browser, upstream, id, { sub: subject() })).status).toBe(502);
    expect(browser.cookies.has('__Host-gatehouse-session')).toBe(false);
    upstream.tamper.foreignKey = false;
    expect((await signInVia(browser, upstream, id, { sub: subject() })).status).toBe(303);
  });

  it('goes straight to the provider from /oauth/authorize?identity_provider=, and the ID token says amr fed', async () => {
    const { client, upstream, id, browser } = await setUp();
    const app = await register(client);
    const { query, pkce } = await authorizationQuery(app.clientId, CALLBACK, { identity_provider: id });
    const authorize = await browser.get(`/oauth/authorize?${query}`);
    expect(authorize.status).toBe(302);
    const toProvider = authorize.headers.get('location')!;
    expect(toProvider.startsWith(`/signin/with/${id}?return=`)).toBe(true);
    const start = await browser.get(toProvider);
    const back = await browser.get(
      upstream.approve(start.headers.get('location')!, { sub: subject(), email: address(), email_verified: true }),
    );
    expect(back.status).toBe(303);
    const coded = await browser.get(back.headers.get('location')!);
    expect(coded.status).toBe(302);
    const tokens = await publicClientTokens(client, app.clientId, coded.headers.get('location')!, pkce);
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ amr: ['fed'], idp: id });
  });

  it('lists linked identities on the account page, and refuses to unlink the only way to sign in', async () => {
    const { client, upstream, id, browser } = await setUp();
    const email = address();
    expect((await signInVia(browser, upstream, id, { sub: subject(), email, email_verified: true })).status).toBe(303);
    const page = await (await browser.get('/account')).text();
    expect(page).toContain('Identities you sign in with');
    expect(page).toContain(`Corp ${id}`);
    const identity = /name="identity" value="([^"]+)"/.exec(page)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const refused = await browser.submit('/account/identities/unlink', { csrf, identity });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('only way to sign in');
    const unknown = await browser.submit('/account/identities/unlink', { csrf, identity: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    const count = await client.env.DB.prepare('SELECT count(*) AS n FROM linked_identities WHERE id = ?')
      .bind(identity)
      .first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it('unlinks an identity from an account that keeps its password', async () => {
    const { client, upstream, id, browser } = await setUp({ linkByVerifiedEmail: true });
    const owner = await createUser(client, { email: address() });
    await markVerified(client, owner.email);
    expect((await signInVia(browser, upstream, id, { sub: subject(), email: owner.email, email_verified: true })).status).toBe(303);
    const page = await (await browser.get('/account')).text();
    const identity = /name="identity" value="([^"]+)"/.exec(page)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const done = await browser.submit('/account/identities/unlink', { csrf, identity });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account?done=unlinked');
    const count = await client.env.DB.prepare('SELECT count(*) AS n FROM linked_identities WHERE id = ?')
      .bind(identity)
      .first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it('links another identity from the account page to the signed-in account, never to the e-mail’s holder, and not one linked elsewhere', async () => {
    const { client, upstream, id, browser } = await setUp();
    // Signed in with a password; the upstream's address is someone else's, unverified: linking needs neither rule.
    const owner = await createUser(client, { email: address() });
    expect((await browser.signIn(owner.email, owner.password)).status).toBe(303);
    const page = await (await browser.get('/account')).text();
    expect(page).toContain(`Link Corp ${id}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const sub = subject();
    const start = await browser.submit('/account/identities/link', { csrf, provider: id });
    expect(start.status, await start.clone().text()).toBe(303);
    const back = await browser.get(upstream.approve(start.headers.get('location')!, { sub, email: address(), email_verified: false }));
    expect(back.status, await back.clone().text()).toBe(303);
    expect(back.headers.get('location')).toBe('/account?done=linked');
    const row = await client.env.DB.prepare('SELECT user_id FROM linked_identities WHERE provider_id = ? AND subject = ?')
      .bind(id, sub)
      .first<{ user_id: string }>();
    const ownerRow = await client.env.DB.prepare('SELECT id FROM users WHERE email_key = ?')
      .bind(owner.email.toLowerCase())
      .first<{ id: string }>();
    expect(row!.user_id).toBe(ownerRow!.id);
    // The identity now signs the owner in.
    const fresh = newBrowser(client);
    expect((await signInVia(fresh, upstream, id, { sub, email: address(), email_verified: false })).status).toBe(303);
    expect(await userIdOfSession(client, fresh)).toBe(ownerRow!.id);

    // Someone else cannot link it to their account.
    const other = await createUser(client, { email: address() });
    const otherBrowser = newBrowser(client);
    await otherBrowser.signIn(other.email, other.password);
    const otherCsrf = /name="csrf" value="([^"]+)"/.exec(await (await otherBrowser.get('/account')).text())![1]!;
    const otherStart = await otherBrowser.submit('/account/identities/link', { csrf: otherCsrf, provider: id });
    const refused = await otherBrowser.get(
      upstream.approve(otherStart.headers.get('location')!, { sub, email: address(), email_verified: true }),
    );
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('linked to another account');
    // Without a signed-in browser, or without the form's CSRF token, nothing starts.
    expect((await newBrowser(client).submit('/account/identities/link', { csrf: 'x', provider: id })).status).toBe(403);
  });
});
