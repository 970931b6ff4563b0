// Second factors on the hosted pages: the account page's setup (QR code, base32 secret, a first
// code), the code page after a right password (no session before the code), new recovery codes,
// turning it off (only after a recent sign-in), and the ID token's amr after password + code.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { newClient } from '../support/driver';
import { challengeOf, enrolAuthenticator, listedCodes, signInWithCode, totpNow } from '../support/second-factors';
import { codeCallback, exchange, setUp } from '../oauth/flow';
import { expectPage, SESSION } from '../pages/support';
import { lastMail } from '../user-service/steps';

describe('setting up an authenticator app', () => {
  it('shows a QR code and the secret as text, asks for a first code, then lists ten recovery codes once', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const account = await expectPage(await browser.get('/account'), 200);
    expect(account).toContain('Set up an authenticator app');
    const csrf = /name="csrf" value="([^"]+)"/.exec(account)![1]!;
    const setup = await expectPage(await browser.submit('/account/mfa/totp', { csrf }), 200);
    expect(setup).toMatch(/<svg role="img" aria-label="[^"]+"/);
    expect(setup).toMatch(/id="totp-secret">[A-Z2-7]{32}</);
    expect(setup).toContain('autocomplete="one-time-code"');
    // A wrong first code shows the same secret again; nothing is on yet.
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(setup)![1]!;
    const wrong = await expectPage(await browser.submit('/account/mfa/totp/confirm', { csrf, code: '000000' }), 400);
    expect(wrong).toContain(secret);
    expect(
      (await client.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password: user.password } })).status,
    ).toBe(200);

    const enrolled = await enrolAuthenticator(client, user.email, user.password, browser);
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
    expect((await lastMail(client, user.email)).subject).toBe('Two-step sign-in is on');
    const on = await expectPage(await browser.get('/account'), 200);
    expect(on).toContain('Recovery codes left: 10');
    // Only hashes are kept.
    const stored = await client.env.DB.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?')
      .bind(user.id)
      .all<{ code_hash: string }>();
    expect(stored.results).toHaveLength(10);
    for (const code of enrolled.recoveryCodes) expect(JSON.stringify(stored.results)).not.toContain(code);
    const factor = await client.env.DB.prepare('SELECT sealed_secret FROM totp_factors WHERE user_id = ?')
      .bind(user.id)
      .first<{ sealed_secret: string }>();
    expect(factor!.sealed_secret).toMatch(/^v1\./);
    expect(factor!.sealed_secret).not.toContain(secret);
  });
});

describe('signing in with a second factor', () => {
  it('a right password gets the code page and no session; a wrong code is refused; a right one signs in', async () => {
    const client = newClient();
    const user = await createUser(client);
    const { key } = await enrolAuthenticator(client, user.email, user.password);
    const browser = newBrowser(client);
    const codePage = await browser.signIn(user.email, user.password);
    const page = await expectPage(codePage, 200);
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect(page).toContain('autocomplete="one-time-code"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const challenge = challengeOf(page);
    const wrong = await expectPage(await browser.submit('/signin/code', { csrf, challenge, code: '000000', return: '/account' }), 401);
    expect(wrong).toContain('not right');
    expect(browser.cookies.has(SESSION)).toBe(false);
    const code = totpNow(client, key);
    const right = await browser.submit('/signin/code', { csrf, challenge, code, return: '/account' });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/account');
    expect(browser.cookies.has(SESSION)).toBe(true);
    // The challenge made its session; it makes no other.
    const fresh = await browser.csrfOf('/signin');
    const again = await browser.submit('/signin/code', { csrf: fresh, challenge, code: totpNow(client, key, 1), return: '/account' });
    expect(again.status).toBe(400);

    // The same code in another browser: a replay.
    const other = newBrowser(client);
    expect((await signInWithCode(other, user.email, user.password, code)).status).toBe(401);
    expect(other.cookies.has(SESSION)).toBe(false);
  });

  it('counts wrong codes on the code page like wrong passwords: past the threshold even a right code waits', async () => {
    const client = newClient({ vars: { LOGIN_LOCKOUT_THRESHOLD: '3' } });
    const user = await createUser(client);
    const { key } = await enrolAuthenticator(client, user.email, user.password);
    const browser = newBrowser(client);
    const page = await expectPage(await browser.signIn(user.email, user.password), 200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const challenge = challengeOf(page);
    for (let i = 0; i < 3; i++) {
      await expectPage(await browser.submit('/signin/code', { csrf, challenge, code: '000000', return: '/account' }), 401);
    }
    const locked = await browser.submit('/signin/code', { csrf, challenge, code: totpNow(client, key), return: '/account' });
    expect(locked.status).toBe(429);
    expect(browser.cookies.has(SESSION)).toBe(false);
    client.clock.advance(120);
    expect((await signInWithCode(newBrowser(client), user.email, user.password, totpNow(client, key))).status).toBe(303);
  });

  it('new recovery codes end the old set; a recovery code signs in once', async () => {
    const client = newClient();
    const user = await createUser(client);
    const { recoveryCodes, browser } = await enrolAuthenticator(client, user.email, user.password);
    const csrf = await browser.csrfOf('/account');
    const renewed = listedCodes(await expectPage(await browser.submit('/account/mfa/recovery-codes', { csrf }), 200));
    expect(renewed).toHaveLength(10);
    expect((await signInWithCode(newBrowser(client), user.email, user.password, recoveryCodes[0]!)).status).toBe(401);
    expect((await signInWithCode(newBrowser(client), user.email, user.password, renewed[0]!)).status).toBe(303);
    expect((await signInWithCode(newBrowser(client), user.email, user.password, renewed[0]!)).status).toBe(401);
    expect(await expectPage(await browser.get('/account'), 200)).toContain('Recovery codes left: 9');
  });

  it('turning it off needs a sign-in from the last 5 minutes', async () => {
    const client = newClient();
    const user = await createUser(client);
    const { key, browser } = await enrolAuthenticator(client, user.email, user.password);
    client.clock.advance(6 * 60);
    const csrf = await browser.csrfOf('/account');
    const stale = await expectPage(await browser.submit('/account/mfa/off', { csrf }), 403);
    expect(stale).toContain('Sign in again');
    const fresh = newBrowser(client);
    expect((await signInWithCode(fresh, user.email, user.password, totpNow(client, key))).status).toBe(303);
    const off = await fresh.submit('/account/mfa/off', { csrf: await fresh.csrfOf('/account') });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/account?done=mfa-off');
    expect((await lastMail(client, user.email)).subject).toBe('Two-step sign-in is off');
    expect((await newBrowser(client).signIn(user.email, user.password)).status).toBe(303);
  });

  it('an OpenID Connect sign-in with password and code: the ID token says amr pwd, otp, mfa', async () => {
    const s = await setUp();
    const { key } = await enrolAuthenticator(s.client, s.user.email, s.user.password, s.browser);
    const browser = newBrowser(s.client);
    expect((await signInWithCode(browser, s.user.email, s.user.password, totpNow(s.client, key))).status).toBe(303);
    const { params, pkce } = await codeCallback({ ...s, browser });
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)!.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
