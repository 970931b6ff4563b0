// What the OpenID Foundation's Basic, Config and Form Post OP modules check beyond the code flow
// itself: discovery says exactly what is supported, RFC 8414 metadata is served too, request
// objects are refused by name, the authorization request may come as a form POST, the answer may
// go back as a posted form, and userinfo takes the token in the body (RFC 6750 2.2).
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { newBrowser } from '../support/browser';
import { authorizationQuery } from '../support/pkce';
import { authorize, CALLBACK, callbackOf, exchange, setUp } from './flow';

function errorOf(response: Response) {
  const location = callbackOf(response);
  return { error: location.searchParams.get('error'), state: location.searchParams.get('state'), iss: location.searchParams.get('iss') };
}

describe('certification behaviour', () => {
  it('serves the same metadata at openid-configuration and oauth-authorization-server (RFC 8414), listing only what is supported', async () => {
    const client = newClient();
    const oidc = await json(await client.get('/.well-known/openid-configuration'));
    const rfc8414 = await client.get('/.well-known/oauth-authorization-server');
    expect(rfc8414.status).toBe(200);
    expect(await json(rfc8414)).toEqual(oidc);
    expect(oidc).toMatchObject({
      issuer: 'https://gatehouse.test',
      response_modes_supported: ['query', 'form_post'],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      claims_parameter_supported: false,
      prompt_values_supported: ['none', 'login'],
    });
    // oauth4webapi reads the RFC 8414 document as an authorization server's.
    const as = await oauth.processDiscoveryResponse(
      new URL('https://gatehouse.test'),
      await oauth.discoveryRequest(new URL('https://gatehouse.test'), { algorithm: 'oauth2', [oauth.customFetch]: client.fetch }),
    );
    expect(as.token_endpoint).toBe('https://gatehouse.test/oauth/token');
  });

  it('refuses request and request_uri by name (OIDC Core 6), and an unknown response_mode, back at the client', async () => {
    const s = await setUp();
    const request = await authorize(s, { request: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(errorOf(request.response)).toEqual({ error: 'request_not_supported', state: request.pkce.state, iss: 'https://gatehouse.test' });
    const requestUri = await authorize(s, { request_uri: 'https://app.example/request.jwt' });
    expect(errorOf(requestUri.response).error).toBe('request_uri_not_supported');
    expect(errorOf((await authorize(s, { response_type: null })).response).error).toBe('unsupported_response_type');
    const fragment = await authorize(s, { response_mode: 'fragment' });
    expect(errorOf(fragment.response).error).toBe('invalid_request');
    // Unknown locales are ignored (OIDC Core 3.1.2.1): the code comes as usual.
    const locales = await authorize(s, { ui_locales: 'tlh-Latn', claims_locales: 'x-none' });
    expect(callbackOf(locales.response).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('takes the authorization request as a form POST: it continues as a GET, which carries the Lax session cookie', async () => {
    const s = await setUp();
    const { query, pkce } = await authorizationQuery(s.app.client_id, CALLBACK);
    const posted = await s.browser.submit('/oauth/authorize', Object.fromEntries(query));
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(new URLSearchParams(location.split('?')[1])).toEqual(query);
    const params = oauth.validateAuthResponse(s.as, s.app, callbackOf(await s.browser.get(location)), pkce.state);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    expect(tokens.access_token).toEqual(expect.any(String));
    const notForm = await s.client.post('/oauth/authorize', { body: { client_id: s.app.client_id } });
    expect(notForm.status).toBe(400);
    expect(notForm.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers response_mode=form_post with a self-posting form whose one script its CSP allows by hash', async () => {
    const s = await setUp();
    const { response, pkce } = await authorize(s, { response_mode: 'form_post' });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`<form method="post" action="${CALLBACK}">`);
    const fields = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
    expect(fields).toEqual({ code: expect.any(String), state: pkce.state, iss: 'https://gatehouse.test' });
    const script = /<script>([^<]*)<\/script>/.exec(page)![1]!;
    const hash = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(script)))));
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain('form-action https://app.example');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // The code it carries works as a redirected one does.
    const params = new URLSearchParams(fields);
    const tokens = await oauth.processAuthorizationCodeResponse(
      s.as,
      s.app,
      await exchange(s, oauth.validateAuthResponse(s.as, s.app, params, pkce.state), pkce.verifier),
      { expectedNonce: pkce.nonce },
    );
    expect(tokens.token_type).toBe('bearer');
    // An error goes back the same way.
    const refused = await authorize(s, { response_mode: 'form_post', scope: 'openid admin' });
    expect(refused.response.status).toBe(200);
    expect(await refused.response.text()).toContain('name="error" value="invalid_scope"');
  });

  it('answers userinfo with the token as a POST form field (RFC 6750 2.2); both ways at once is invalid_request', async () => {
    const s = await setUp();
    const { response, pkce } = await authorize(s);
    const params = oauth.validateAuthResponse(s.as, s.app, callbackOf(response), pkce.state);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    const inHeader = await s.client.post('/oauth/userinfo', { token: tokens.access_token });
    expect(inHeader.status).toBe(200);
    const inBody = await s.client.post('/oauth/userinfo', { form: { access_token: tokens.access_token } });
    expect(inBody.status).toBe(200);
    expect(await json(inBody)).toMatchObject({ sub: s.user.id });
    const both = await s.client.post('/oauth/userinfo', { form: { access_token: tokens.access_token }, token: tokens.access_token });
    expect(both.status).toBe(400);
    expect(await json(both)).toMatchObject({ error: 'invalid_request' });
    const none = await s.client.post('/oauth/userinfo', { form: {} });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse"/);
    const bad = await s.client.post('/oauth/userinfo', { form: { access_token: `${tokens.access_token}x` } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('lets a confidential client registered with requirePkce: false go without PKCE, with a nonce (RFC 9700 2.1.1), as oauth4webapi does', async () => {
    const s = await setUp({ public: false, requirePkce: false });
    const withoutPkce = { code_challenge: null, code_challenge_method: null };
    const { response, pkce } = await authorize(s, withoutPkce);
    const params = oauth.validateAuthResponse(s.as, s.app, callbackOf(response), pkce.state);
    const request = await oauth.authorizationCodeGrantRequest(s.as, s.app, s.auth, params, CALLBACK, oauth.nopkce, s.options);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, request, { expectedNonce: pkce.nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ nonce: pkce.nonce, aud: s.app.client_id });
    // Without PKCE the nonce binds the code to the browser: an openid request without one is refused.
    expect(errorOf((await authorize(s, { ...withoutPkce, nonce: null })).response).error).toBe('invalid_request');
    // A verifier sent for a code requested without a challenge is a downgrade: invalid_grant.
    const again = await authorize(s, withoutPkce);
    const againParams = oauth.validateAuthResponse(s.as, s.app, callbackOf(again.response), again.pkce.state);
    const downgraded = await exchange(s, againParams, again.pkce.verifier);
    expect(downgraded.status).toBe(400);
    expect(await json(downgraded)).toMatchObject({ error: 'invalid_grant' });
    // With a challenge, such a client still gets PKCE checked.
    const withPkce = await authorize(s);
    const withParams = oauth.validateAuthResponse(s.as, s.app, callbackOf(withPkce.response), withPkce.pkce.state);
    const noVerifier = await oauth.authorizationCodeGrantRequest(s.as, s.app, s.auth, withParams, CALLBACK, oauth.nopkce, s.options);
    expect(noVerifier.status).toBe(400);
  });

  it('keeps PKCE required for every other client: public ones cannot be let off it', async () => {
    const confidential = await setUp({ public: false });
    const refused = await authorize(confidential, { code_challenge: null, code_challenge_method: null });
    expect(errorOf(refused.response).error).toBe('invalid_request');
    const client = newClient();
    const publicOff = await client.admin('POST', '/admin/v1/clients', {
      body: { name: 'SPA', public: true, redirectUris: [CALLBACK], requirePkce: false },
    });
    expect(publicOff.status).toBe(400);
    expect(await json(publicOff)).toMatchObject({ error: { code: 'INVALID_FIELD', message: expect.stringContaining('requirePkce') } });
  });

  it('fills the sign-in form with login_hint when the browser must sign in first', async () => {
    const s = await setUp();
    const fresh = newBrowser(s.client);
    const { response } = await authorize({ browser: fresh, app: s.app }, { login_hint: s.user.email });
    expect(response.status).toBe(302);
    const signIn = await fresh.get(response.headers.get('location')!);
    const page = await signIn.text();
    expect(page).toMatch(new RegExp(`name="login"[^>]*value="${s.user.email.replace('.', '\\.')}"`));
    // A hint is only text: markup in it is escaped.
    const { response: tricky } = await authorize({ browser: fresh, app: s.app }, { login_hint: '"><script>x</script>' });
    const trickyPage = await (await fresh.get(tricky.headers.get('location')!)).text();
    expect(trickyPage).not.toContain('<script>x</script>');
    expect(trickyPage).toContain('&quot;&gt;&lt;script&gt;');
  });
});
