// OAuth 2.1 authorization code with PKCE and OpenID Connect, driven by a standard client library
// (oauth4webapi) and a browser's cookie jar: sign in on the hosted page, authorize, exchange the
// code, verify the ID token, refresh, log out; and each refusal the flow must make.
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, verifyStatus } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient } from '../support/driver';
import { AFTER_LOGOUT, authorize, callbackOf, CALLBACK, codeCallback, exchange, issuer, register, setUp } from './flow';

describe('the authorization code flow with PKCE', () => {
  it('completes with oauth4webapi: code, verified ID token (nonce, auth_time within max_age), refresh and RP logout', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s, { max_age: '300' });
    expect(params.get('iss')).toBe('https://gatehouse.test');
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      maxAge: 300,
      requireIdToken: true,
    });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'openid profile email' });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({
      iss: 'https://gatehouse.test',
      sub: s.user.id,
      aud: s.app.client_id,
      nonce: pkce.nonce,
      email: s.user.email,
      email_verified: false, // Made by the operator, no mail acted on: see email-verified.test.ts.
      given_name: 'Ada',
      family_name: 'Lovelace',
      auth_time: expect.any(Number),
    });
    // The library trusts TLS for the signature; check it against the JWKS as a relying party may.
    const jwks = createLocalJWKSet(await json(await s.client.get('/.well-known/jwks.json')));
    const verified = await jwtVerify(tokens.id_token!, jwks, { issuer: 'https://gatehouse.test', audience: s.app.client_id });
    expect(verified.protectedHeader.kid).toBeDefined();
    expect(await verifyStatus(s.client, tokens.access_token)).toBe(200);
    // An ID token is no bearer token.
    expect(await verifyStatus(s.client, tokens.id_token!)).toBe(401);

    const refreshed = await oauth.processRefreshTokenResponse(
      s.as,
      s.app,
      await oauth.refreshTokenGrantRequest(s.as, s.app, s.auth, tokens.refresh_token!, s.options),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // RFC 9068 2.2: the access token names the client it was issued to and the scope granted, refreshed or not.
    for (const access of [tokens.access_token, refreshed.access_token]) {
      expect(decodeJwt(access)).toMatchObject({ client_id: s.app.client_id, scope: 'openid profile email', sub: s.user.id });
    }

    const logout = new URL('/oauth/logout', issuer);
    logout.search = new URLSearchParams({
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: AFTER_LOGOUT,
      state: 'bye-1',
    }).toString();
    const ended = await s.browser.get(logout.pathname + logout.search);
    expect(ended.status).toBe(302);
    expect(ended.headers.get('location')).toBe(`${AFTER_LOGOUT}?state=bye-1`);
    expect(s.browser.cookies.has('__Host-gatehouse-session')).toBe(false);
    // The application's session rested on that sign-in: its refresh token and access token end with it.
    const afterLogout = await s.client.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token!, client_id: s.app.client_id },
    });
    expect(afterLogout.status).toBe(400);
    expect(await json(afterLogout)).toMatchObject({ error: 'invalid_grant' });
    expect(await verifyStatus(s.client, refreshed.access_token)).toBe(401);
    // Signed out: the next authorization goes to the sign-in page.
    const again = await authorize(s);
    expect(again.response.status).toBe(302);
    expect(again.response.headers.get('location')).toMatch(/^\/signin\?return=%2Foauth%2Fauthorize%3F/);
  });

  it('works for a confidential client with client_secret_basic and client_secret_post, and without openid gives no ID token', async () => {
    const s = await setUp({ public: false });
    const first = await codeCallback(s, { scope: 'profile' });
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, first.params, first.pkce.verifier));
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe('profile');
    const second = await codeCallback(s);
    const posted = await oauth.processAuthorizationCodeResponse(
      s.as,
      s.app,
      await exchange(s, second.params, second.pkce.verifier, s.app, oauth.ClientSecretPost(s.secret!)),
      { expectedNonce: second.pkce.nonce },
    );
    expect(oauth.getValidatedIdTokenClaims(posted)).toMatchObject({ sub: s.user.id, aud: s.app.client_id });
  });

  it('sends a browser without a session to /signin and back, and prompt=login asks again without looping', async () => {
    const s = await setUp();
    const fresh = newBrowser(s.client);
    const { response, pkce } = await authorize({ browser: fresh, app: s.app });
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/signin\?return=/);
    const returnTo = decodeURIComponent(location.slice('/signin?return='.length));
    const signedIn = await fresh.signIn(s.user.email, s.user.password, returnTo);
    expect(signedIn.headers.get('location')).toBe(returnTo);
    const back = await fresh.get(returnTo);
    expect(oauth.validateAuthResponse(s.as, s.app, callbackOf(back), pkce.state).get('code')).toBeTruthy();

    // prompt=login: to the sign-in page although signed in; the way back requires a sign-in after now.
    const forced = await authorize(s, { prompt: 'login' });
    const forcedReturn = decodeURIComponent(forced.response.headers.get('location')!.slice('/signin?return='.length));
    expect(forcedReturn).not.toContain('prompt=login');
    expect(forcedReturn).toMatch(/auth_after=\d+/);
    s.client.clock.advance(2);
    await s.browser.signIn(s.user.email, s.user.password, forcedReturn);
    const forcedBack = await s.browser.get(forcedReturn);
    expect(oauth.validateAuthResponse(s.as, s.app, callbackOf(forcedBack), forced.pkce.state).get('code')).toBeTruthy();
  });

  it('sends a sign-in older than max_age back to /signin, and back with a code after a fresh one', async () => {
    const s = await setUp();
    s.client.clock.advance(120);
    const { response, pkce } = await authorize(s, { max_age: '60' });
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/signin\?return=/);
    const returnTo = decodeURIComponent(location.slice('/signin?return='.length));
    expect(returnTo).not.toContain('max_age');
    // The old sign-in does not pass the way back; a new one does, however long it took.
    expect((await s.browser.get(returnTo)).headers.get('location')).toMatch(/^\/signin\?return=/);
    await s.browser.signIn(s.user.email, s.user.password, returnTo);
    s.client.clock.advance(300);
    const back = await s.browser.get(returnTo);
    expect(oauth.validateAuthResponse(s.as, s.app, callbackOf(back), pkce.state).get('code')).toBeTruthy();
  });

  it('ends the code with the browser session: a sign-out before the exchange makes it invalid_grant', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const csrf = await s.browser.csrfOf('/signout');
    expect((await s.browser.submit('/signout', { csrf, return: '/signin' })).status).toBe(303);
    const response = await exchange(s, params, pkce.verifier);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('refusals', () => {
  it('refuses a tampered code verifier', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const tampered = `${pkce.verifier.slice(0, -1)}${pkce.verifier.endsWith('A') ? 'B' : 'A'}`;
    await expect(oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, tampered))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a reused code and ends the session its first exchange started', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const first = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    expect(await verifyStatus(s.client, first.access_token)).toBe(200);
    const reused = await exchange(s, params, pkce.verifier);
    expect(reused.status).toBe(400);
    expect(await json(reused)).toMatchObject({ error: 'invalid_grant' });
    expect(await verifyStatus(s.client, first.access_token)).toBe(401);
    const refresh = await s.client.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: first.refresh_token! } });
    expect(await json(refresh)).toMatchObject({ error: 'invalid_grant' });
  });

  it('lets no two concurrent exchanges of a code both win: the loser is a reuse and leaves no live session', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const answers = await Promise.all([exchange(s, params, pkce.verifier), exchange(s, params, pkce.verifier)]);
    const won = answers.filter((answer) => answer.status === 200);
    expect(answers.filter((answer) => answer.status === 400)).not.toHaveLength(0);
    expect(won.length).toBeLessThanOrEqual(1);
    for (const answer of won) expect(await verifyStatus(s.client, (await json(answer)).access_token)).toBe(401);
  });

  it('shows an error page, and redirects nowhere, for an unregistered redirect URI or an unknown client', async () => {
    const s = await setUp();
    const cases: Record<string, string | null>[] = [
      { redirect_uri: 'https://evil.example/callback' },
      { redirect_uri: `${CALLBACK}/x` },
      { client_id: crypto.randomUUID() },
      { client_id: null },
    ];
    for (const extra of cases) {
      const { response } = await authorize(s, extra);
      expect(response.status, JSON.stringify(extra)).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await response.text()).toContain('role="alert"');
    }
  });

  it('refuses plain PKCE and a missing code_challenge, back at the redirect URI with state and iss', async () => {
    const s = await setUp();
    const cases: Record<string, string | null>[] = [
      { code_challenge_method: 'plain' },
      { code_challenge: null },
      { code_challenge_method: null },
      { response_type: 'token' },
    ];
    for (const extra of cases) {
      const { response, pkce } = await authorize(s, extra);
      const callback = callbackOf(response);
      expect(callback.searchParams.get('state')).toBe(pkce.state);
      expect(callback.searchParams.get('iss')).toBe('https://gatehouse.test');
      expect(callback.searchParams.get('code')).toBeNull();
      expect(() => oauth.validateAuthResponse(s.as, s.app, callback, pkce.state)).toThrow();
      expect(callback.searchParams.get('error')).toBe(extra.response_type ? 'unsupported_response_type' : 'invalid_request');
    }
  });

  it('has the client library refuse a callback whose state is not the one it sent', async () => {
    const s = await setUp();
    const { response } = await authorize(s);
    expect(() => oauth.validateAuthResponse(s.as, s.app, callbackOf(response), oauth.generateRandomState())).toThrow(/state/i);
  });

  it('answers prompt=none without a session with login_required', async () => {
    const s = await setUp();
    const { response, pkce } = await authorize({ browser: newBrowser(s.client), app: s.app }, { prompt: 'none' });
    const callback = callbackOf(response);
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({
      error: 'login_required',
      state: pkce.state,
      iss: 'https://gatehouse.test',
    });
  });

  it('refuses a redirect_uri at the token endpoint other than the one the code was issued for', async () => {
    const s = await setUp();
    await s.client.admin('PATCH', `/admin/v1/clients/${s.app.client_id}`, { body: { redirectUris: [CALLBACK, `${CALLBACK}2`] } });
    const { params, pkce } = await codeCallback(s);
    const response = await oauth.authorizationCodeGrantRequest(s.as, s.app, s.auth, params, `${CALLBACK}2`, pkce.verifier, s.options);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret', async () => {
    const s = await setUp({ public: false });
    const { params, pkce } = await codeCallback(s);
    const response = await exchange(s, params, pkce.verifier, s.app, oauth.ClientSecretBasic('not-the-secret'));
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({ error: 'invalid_client' });
    const none = await exchange(s, params, pkce.verifier, s.app, oauth.None());
    expect(none.status).toBe(401);
  });

  it('refuses a code used by another client', async () => {
    const s = await setUp();
    const other = await register(s.client);
    const { params, pkce } = await codeCallback(s);
    const response = await exchange(s, params, pkce.verifier, { client_id: other.clientId }, oauth.None());
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_grant' });
    // Still good for its own client.
    expect((await exchange(s, params, pkce.verifier)).status).toBe(200);
  });

  it('ends nothing when the id_token_hint names another user', async () => {
    const s = await setUp();
    const other = await setUp();
    const { params, pkce } = await codeCallback(other);
    const tokens = await oauth.processAuthorizationCodeResponse(other.as, other.app, await exchange(other, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    // A hint this service issued, but for another user, ends nothing; a forged one is an error page.
    const response = await s.browser.get(`/oauth/logout?id_token_hint=${tokens.id_token}`);
    expect(response.status).toBe(302);
    expect(s.browser.cookies.has('__Host-gatehouse-session')).toBe(true);
    expect((await authorize(s)).response.headers.get('location')).toMatch(/^https:\/\/app\.example\/callback\?code=/);
    const forged = await s.browser.get(`/oauth/logout?id_token_hint=${tokens.id_token!.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(400);
  });

  it('refuses an unregistered post-logout URI with a page, and keeps the session', async () => {
    const s = await setUp();
    const response = await s.browser.get(
      `/oauth/logout?client_id=${s.app.client_id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(s.browser.cookies.has('__Host-gatehouse-session')).toBe(true);
  });
});

describe('the password grant and registered clients', () => {
  it('refuses a registered client unless the operator allowed it; legacy clients go on as before', async () => {
    const client = newClient();
    const user = await createUser(client);
    const closed = await register(client);
    const open = await register(client, { allowPasswordGrant: true });
    const grant = (clientId?: string) =>
      client.post('/oauth/token', {
        form: { grant_type: 'password', username: user.email, password: user.password, ...(clientId ? { client_id: clientId } : {}) },
      });
    const refused = await grant(closed.clientId);
    expect(refused.status).toBe(400);
    expect(await json(refused)).toMatchObject({ error: 'unauthorized_client' });
    expect((await grant(open.clientId)).status).toBe(200);
    expect((await grant()).status).toBe(200);
    expect((await grant('gatehouse')).status).toBe(200);
  });
});
