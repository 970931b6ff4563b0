// Passkeys through the hosted pages, with a software authenticator in the test: adding one from the
// account page (named, listed, mailed, an event), a sign-in with it alone (no username; the ID token
// says amr hwk, mfa), its removal, and the refusals: another origin, another relying party id, a
// replayed challenge, a counter set back, an old sign-in for a guarded change.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser, type TestUser } from '../support/accounts';
import { newBrowser, ORIGIN, type Browser } from '../support/browser';
import { newClient, type Client } from '../support/driver';
import { softwarePasskey, type Bend, type SoftwarePasskey } from '../support/passkey-authenticator';
import { enrolAuthenticator } from '../support/second-factors';
import { codeCallback, exchange, setUp } from '../oauth/flow';
import { expectPage, SESSION } from '../pages/support';
import { lastMail } from '../user-service/steps';

interface Ceremony {
  challengeId: string;
  options: any;
}

async function ceremony(browser: Browser, path: string, csrf: string): Promise<Ceremony> {
  const response = await browser.submit(path, { csrf });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.json();
}

/** Adds a passkey from the account page of a signed-in browser; the answer to the form's POST. */
async function addPasskey(browser: Browser, passkey: SoftwarePasskey, name = 'Laptop', bend?: Bend) {
  const csrf = await browser.csrfOf('/account');
  const { challengeId, options } = await ceremony(browser, '/account/passkeys/options', csrf);
  const response = await passkey.register(options, bend);
  return browser.submit('/account/passkeys', { csrf, challenge: challengeId, response, name });
}

/** Signs a fresh browser in with the passkey alone; the answer to the form's POST. */
async function signInWithPasskey(client: Client, passkey: SoftwarePasskey, bend?: Bend, browser = newBrowser(client)) {
  const csrf = await browser.csrfOf('/signin');
  const { challengeId, options } = await ceremony(browser, '/signin/passkey/options', csrf);
  const response = await passkey.signIn(options, bend);
  return { browser, answer: await browser.submit('/signin/passkey', { csrf, challenge: challengeId, response, return: '/account' }) };
}

async function userWithPasskey(client: Client, synced = false): Promise<{ user: TestUser; passkey: SoftwarePasskey; browser: Browser }> {
  const user = await createUser(client);
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  const passkey = await softwarePasskey(ORIGIN, { synced });
  const added = await addPasskey(browser, passkey);
  expect(added.status, await added.clone().text()).toBe(303);
  return { user, passkey, browser };
}

describe('adding a passkey', () => {
  it('asks for a discoverable credential on this host, then lists it by name and mails the owner', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const account = await expectPage(await browser.get('/account'), 200);
    expect(account).toContain('data-passkey="create"');
    expect(account).toMatch(/<script nonce="[^"]+">/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(account)![1]!;
    const { options } = await ceremony(browser, '/account/passkeys/options', csrf);
    expect(options.rp.id).toBe('gatehouse.test');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });

    const passkey = await softwarePasskey(ORIGIN);
    const added = await addPasskey(browser, passkey, 'My laptop');
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/account?done=passkey-added');
    const listed = await expectPage(await browser.get('/account'), 200);
    expect(listed).toContain('My laptop');
    expect(listed).toContain('aria-label="Remove passkey My laptop"');
    expect((await lastMail(client, user.email)).subject).toBe('A passkey was added to your account');
    const event = await client.env.DB.prepare("SELECT details FROM events WHERE type = 'mfa.passkey_added' AND user_id = ?")
      .bind(user.id)
      .first<{ details: string }>();
    expect(JSON.parse(event!.details)).toMatchObject({ credentialId: passkey.id, name: 'My laptop' });
    // The same passkey again is refused, not a 500.
    expect((await addPasskey(browser, passkey)).status).toBe(400);
  });

  it('refuses an answer made for another origin or another relying party id, and a challenge used twice', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const passkey = await softwarePasskey(ORIGIN);
    expect((await addPasskey(browser, passkey, 'x', { origin: 'https://evil.example' })).status).toBe(400);
    expect((await addPasskey(browser, passkey, 'x', { rpId: 'evil.example' })).status).toBe(400);

    const csrf = await browser.csrfOf('/account');
    const { challengeId, options } = await ceremony(browser, '/account/passkeys/options', csrf);
    const response = await passkey.register(options);
    expect((await browser.submit('/account/passkeys', { csrf, challenge: challengeId, response, name: 'a' })).status).toBe(303);
    const other = await softwarePasskey(ORIGIN);
    const replay = await other.register(options);
    expect((await browser.submit('/account/passkeys', { csrf, challenge: challengeId, response: replay, name: 'b' })).status).toBe(400);
    const rows = await client.env.DB.prepare('SELECT name FROM passkeys WHERE user_id = ?').bind(user.id).all();
    expect(rows.results).toEqual([{ name: 'a' }]);
  });

  it('needs a sign-in from the last 5 minutes', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    client.clock.advance(6 * 60_000);
    const csrf = await browser.csrfOf('/account');
    expect((await browser.submit('/account/passkeys/options', { csrf })).status).toBe(403);
    const page = await expectPage(await browser.submit('/account/passkeys', { csrf, challenge: 'x', response: '{}', name: 'a' }), 403);
    expect(page).toContain('Sign in again');
  });
});

describe('signing in with a passkey', () => {
  it('signs in with the passkey alone, records its last use, and refuses the same answer twice', async () => {
    const client = newClient();
    const { passkey, user } = await userWithPasskey(client);
    const signInPage = await expectPage(await newBrowser(client).get('/signin'), 200);
    expect(signInPage).toMatch(/<form method="post" action="\/signin\/passkey"[^>]* hidden>/);

    const browser = newBrowser(client);
    const csrf = await browser.csrfOf('/signin');
    const { challengeId, options } = await ceremony(browser, '/signin/passkey/options', csrf);
    expect(options.rpId).toBe('gatehouse.test');
    expect(options.allowCredentials ?? []).toEqual([]);
    const response = await passkey.signIn(options);
    const answer = await browser.submit('/signin/passkey', { csrf, challenge: challengeId, response, return: '/account' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/account');
    expect(browser.cookies.has(SESSION)).toBe(true);
    const account = await expectPage(await browser.get('/account'), 200);
    expect(account).toContain(user.email);
    expect(account).toMatch(/<td>Laptop<\/td><td><time [^>]+>[^<]+<\/time><\/td><td><time /);

    // The same signed answer again: its challenge is spent.
    const again = newBrowser(client);
    const csrf2 = await again.csrfOf('/signin');
    const replay = await expectPage(
      await again.submit('/signin/passkey', { csrf: csrf2, challenge: challengeId, response, return: '/account' }),
      401,
    );
    expect(replay).toContain('did not sign you in');
    expect(again.cookies.has(SESSION)).toBe(false);
  });

  it('refuses another origin, another relying party id, and a counter that goes back (a cloned authenticator)', async () => {
    const client = newClient();
    const { passkey } = await userWithPasskey(client);
    expect((await signInWithPasskey(client, passkey, { origin: 'https://evil.example' })).answer.status).toBe(401);
    expect((await signInWithPasskey(client, passkey, { rpId: 'evil.example' })).answer.status).toBe(401);
    expect((await signInWithPasskey(client, passkey, { counter: 5 })).answer.status).toBe(303);
    expect((await signInWithPasskey(client, passkey, { counter: 3 })).answer.status).toBe(401);
    expect((await signInWithPasskey(client, passkey, { counter: 5 })).answer.status).toBe(401);
    expect((await signInWithPasskey(client, passkey, { counter: 6 })).answer.status).toBe(303);
  });

  it('a passkey that did not verify its person is one factor: refused for an account with an authenticator app', async () => {
    const client = newClient();
    const { passkey, user } = await userWithPasskey(client);
    expect((await signInWithPasskey(client, passkey, { userVerified: false })).answer.status).toBe(303);
    await enrolAuthenticator(client, user.email, user.password);
    const { answer, browser } = await signInWithPasskey(client, passkey, { userVerified: false });
    expect(await expectPage(answer, 401)).toContain('needs two steps');
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(303);
  });

  it('a user-verified passkey meets a policy that requires a second factor; the password alone then asks for enrolment', async () => {
    const ecosystem = `pk-${crypto.randomUUID().slice(0, 8)}`;
    const client = newClient({ vars: { DEFAULT_ECOSYSTEM: ecosystem } });
    // Setting the (default) policy makes the ecosystem.
    expect((await client.admin('PUT', `/admin/v1/ecosystems/${ecosystem}/mfa-policy`, { body: {} })).status).toBe(200);
    const { passkey, user } = await userWithPasskey(client);
    await client.admin('PUT', `/admin/v1/ecosystems/${ecosystem}/mfa-policy`, { body: { mfa: 'required' } });
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(303);
    expect((await signInWithPasskey(client, passkey, { userVerified: false })).answer.status).toBe(401);
    expect(await expectPage(await newBrowser(client).signIn(user.email, user.password), 200)).toContain('Set up two-step sign-in');
  });

  it('an OpenID Connect sign-in with a passkey: the ID token says amr hwk, mfa', async () => {
    const s = await setUp();
    const passkey = await softwarePasskey(ORIGIN);
    expect((await addPasskey(s.browser, passkey)).status).toBe(303);
    const { browser } = await signInWithPasskey(s.client, passkey);
    const { params, pkce } = await codeCallback({ ...s, browser });
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)!.amr).toEqual(['hwk', 'mfa']);
    expect(claimsOf(tokens.access_token).amr).toEqual(['hwk', 'mfa']);
  });
});

describe('a synced passkey', () => {
  it('is recorded as synced, and signs in as swk (its key may leave the device), with mfa', async () => {
    const client = newClient();
    const { user, passkey } = await userWithPasskey(client, true);
    const row = await client.env.DB.prepare('SELECT synced FROM passkeys WHERE user_id = ?').bind(user.id).first<{ synced: number }>();
    expect(row!.synced).toBe(1);
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(303);
    const session = await client.env.DB.prepare('SELECT amr FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .bind(user.id)
      .first<{ amr: string }>();
    expect(JSON.parse(session!.amr)).toEqual(['swk', 'mfa']);
  });
});

describe('removing a passkey', () => {
  it('removes it (mailed, an event); it signs in no more; another user cannot remove it', async () => {
    const client = newClient();
    const { passkey, user, browser } = await userWithPasskey(client);
    const stranger = newBrowser(client);
    const other = await createUser(client);
    expect((await stranger.signIn(other.email, other.password)).status).toBe(303);
    const strangerCsrf = await stranger.csrfOf('/account');
    expect((await stranger.submit('/account/passkeys/remove', { csrf: strangerCsrf, passkey: passkey.id })).status).toBe(404);

    client.clock.advance(1);
    const csrf = await browser.csrfOf('/account');
    const removed = await browser.submit('/account/passkeys/remove', { csrf, passkey: passkey.id });
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe('/account?done=passkey-removed');
    expect((await lastMail(client, user.email)).subject).toBe('A passkey was removed from your account');
    const event = await client.env.DB.prepare("SELECT count(*) AS n FROM events WHERE type = 'mfa.passkey_removed' AND user_id = ?")
      .bind(user.id)
      .first<{ n: number }>();
    expect(event!.n).toBe(1);
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(401);
  });

  it('needs a sign-in from the last 5 minutes; the passkey stays until then', async () => {
    const client = newClient();
    const { passkey, user, browser } = await userWithPasskey(client);
    client.clock.advance(6 * 60);
    const csrf = await browser.csrfOf('/account');
    const late = await expectPage(await browser.submit('/account/passkeys/remove', { csrf, passkey: passkey.id }), 403);
    expect(late).toContain('Sign in again');
    const rows = await client.env.DB.prepare('SELECT count(*) AS n FROM passkeys WHERE user_id = ?').bind(user.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(303);
  });

  it('the operator’s removal of second factors takes the passkeys too', async () => {
    const client = newClient();
    const { passkey, user } = await userWithPasskey(client);
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/mfa`)).status).toBe(204);
    expect((await signInWithPasskey(client, passkey)).answer.status).toBe(401);
    const event = await client.env.DB.prepare("SELECT details FROM events WHERE type = 'mfa.removed' AND user_id = ?")
      .bind(user.id)
      .first<{ details: string }>();
    expect(JSON.parse(event!.details)).toEqual({ by: 'operator', factors: ['passkey'] });
  });
});
