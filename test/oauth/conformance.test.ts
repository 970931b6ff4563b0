// OIDF conformance modules that had no test of their own (docs/conformance.md): each test is named
// after the module, and says the spec section it checks. The Basic OP's parameters that are
// ignored (display, acr_values, id_token_hint at authorize, scope order), prompt=none with a
// session, RP-initiated logout's variants (bad and modified hints, no URI, state alone, a
// registered URI with a query), discovery field by field, and the Dynamic OP's registration
// modules (a dynamically registered client's flow, redirect URIs with a query, a fragment, extra
// URIs) now that registration exists.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { expectPage, SESSION } from '../pages/support';
import { authorizationQuery } from '../support/pkce';
import { AFTER_LOGOUT, authorize, callbackOf, codeCallback, exchange, setUp, type Setup } from './flow';

async function idTokenOf(s: Setup): Promise<string> {
  const { params, pkce } = await codeCallback(s);
  const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
    expectedNonce: pkce.nonce,
  });
  return tokens.id_token!;
}

const codeOf = (response: Response) => callbackOf(response).searchParams.get('code');

describe('Basic OP modules (OpenID Connect Core 3.1.2.1)', () => {
  it('oidcc-ensure-other-scope-order-succeeds: scopes are a set, in any order', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s, { scope: 'email openid' });
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
    });
    expect(tokens.scope).toBe('email openid');
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ email: s.user.email });
  });

  it('oidcc-display-page, oidcc-display-popup, oidcc-ensure-request-with-acr-values-succeeds: ignored, a code comes', async () => {
    const s = await setUp();
    const variants: Record<string, string>[] = [{ display: 'page' }, { display: 'popup' }, { acr_values: '1 2' }];
    for (const extra of variants) {
      expect(codeOf((await authorize(s, extra)).response)).toEqual(expect.any(String));
    }
  });

  it('oidcc-prompt-none-logged-in: prompt=none with a session answers a code (3.1.2.6 only refuses without one)', async () => {
    const s = await setUp();
    expect(codeOf((await authorize(s, { prompt: 'none' })).response)).toEqual(expect.any(String));
  });

  it('oidcc-ensure-redirect-uri-in-authorization-request: an OpenID request without redirect_uri gets an error page, no redirect', async () => {
    const s = await setUp();
    const { response } = await authorize(s, { redirect_uri: null });
    const page = await expectPage(response, 400);
    expect(page).toContain('redirect_uri');
    expect(response.headers.get('location')).toBeNull();
    // No scope asked: the client's default scopes, openid among them, make it an OpenID request too.
    await expectPage((await authorize(s, { redirect_uri: null, scope: null })).response, 400);
    // OAuth 2.1 4.1.1: a plain OAuth request of a client with one registered address may leave it out.
    expect(codeOf((await authorize(s, { redirect_uri: null, scope: 'profile', nonce: null })).response)).toEqual(expect.any(String));
  });

  it('oidcc-id-token-hint: an ID token of the signed-in user as id_token_hint with prompt=none answers a code', async () => {
    const s = await setUp();
    const hint = await idTokenOf(s);
    expect(codeOf((await authorize(s, { prompt: 'none', id_token_hint: hint })).response)).toEqual(expect.any(String));
  });
});

describe('Config OP (Discovery 3)', () => {
  it('oidcc-discovery-endpoint-verification: lists exactly what the code supports, field by field', async () => {
    const client = newClient();
    const metadata = await json(await client.get('/.well-known/openid-configuration'));
    const issuer = 'https://gatehouse.test';
    expect(metadata).toEqual({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      registration_endpoint: `${issuer}/oauth/register`,
      device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'password',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ['openid', 'profile', 'email'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: [
        'ES256',
        'ES384',
        'ES512',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
        'EdDSA',
      ],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      prompt_values_supported: ['none', 'login'],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      claims_parameter_supported: false,
      acr_values_supported: ['urn:gatehouse:mfa', 'urn:gatehouse:1fa'],
      claims_supported: expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified']),
    });
  });
});

describe('RP-Initiated Logout OP modules (RP-Initiated Logout 1.0, 2 and 3)', () => {
  it('oidcc-rp-initiated-logout-bad-id-token-hint, -modified-id-token-hint: an error page; the session stays', async () => {
    const s = await setUp();
    const hint = await idTokenOf(s);
    const [header, payload] = hint.split('.');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')));
    const modified = btoa(JSON.stringify({ ...claims, sub: 'someone-else' }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    for (const bad of [`${header}.${modified}.${hint.split('.')[2]}`, 'not-a-jwt', `${header}.${payload}.`]) {
      const response = await s.browser.get(
        `/oauth/logout?id_token_hint=${encodeURIComponent(bad)}&post_logout_redirect_uri=${AFTER_LOGOUT}`,
      );
      await expectPage(response, 400);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(s.browser.cookies.has(SESSION)).toBe(true);
  });

  it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: signs out to the sign-in page', async () => {
    const s = await setUp();
    const response = await s.browser.get(`/oauth/logout?id_token_hint=${await idTokenOf(s)}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/signin');
    expect(s.browser.cookies.has(SESSION)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-only-state, -no-state: state comes back only when sent, and only with a URI', async () => {
    const s = await setUp();
    const noState = await s.browser.get(`/oauth/logout?id_token_hint=${await idTokenOf(s)}&post_logout_redirect_uri=${AFTER_LOGOUT}`);
    expect(noState.headers.get('location')).toBe(AFTER_LOGOUT);
    const again = await setUp();
    const onlyState = await again.browser.get(`/oauth/logout?id_token_hint=${await idTokenOf(again)}&state=xyz`);
    expect(onlyState.headers.get('location')).toBe('/signin');
    expect(again.browser.cookies.has(SESSION)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: a registered query is kept, state appended', async () => {
    const withQuery = 'https://app.example/bye?from=gatehouse';
    const s = await setUp({ postLogoutRedirectUris: [withQuery] });
    const response = await s.browser.get(
      `/oauth/logout?id_token_hint=${await idTokenOf(s)}&post_logout_redirect_uri=${encodeURIComponent(withQuery)}&state=s1`,
    );
    expect(response.headers.get('location')).toBe('https://app.example/bye?from=gatehouse&state=s1');
  });
});

describe('Dynamic OP modules (OpenID Connect Dynamic Client Registration 1.0, RFC 7591)', () => {
  async function dynamicClient(metadata: Record<string, unknown>) {
    const client = newClient();
    const { token } = await json(await client.admin('POST', '/admin/v1/initial-access-tokens', { body: {} }));
    const response = await client.post('/oauth/register', { token, body: { token_endpoint_auth_method: 'none', ...metadata } });
    return { client, response };
  }

  it('oidcc-registration-logo-uri, -policy-uri, -tos-uri: registration succeeds (the URIs are not shown)', async () => {
    const { response } = await dynamicClient({
      redirect_uris: ['https://app.example/callback'],
      logo_uri: 'https://app.example/logo.png',
      policy_uri: 'https://app.example/policy',
      tos_uri: 'https://app.example/tos',
    });
    expect(response.status).toBe(201);
  });

  it('oidcc-redirect-uri-regfrag: a redirect URI with a fragment is refused at registration', async () => {
    const { response } = await dynamicClient({ redirect_uris: ['https://app.example/callback#frag'] });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it('oidcc-redirect-uri-query-OK, -query-mismatch, -query-added: a registered query must match exactly', async () => {
    const registered = 'https://app.example/callback?foo=bar';
    const { response } = await dynamicClient({ redirect_uris: [registered] });
    expect(response.status).toBe(201);
    const { client_id: clientId } = await json(response);
    // A signed-in browser (the clients share the deployment's D1).
    const s = await setUp();
    const ask = async (redirectUri: string) => s.browser.get(`/oauth/authorize?${(await authorizationQuery(clientId, redirectUri)).query}`);
    const ok = await ask(registered);
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location')!);
    expect(location.searchParams.get('foo')).toBe('bar');
    expect(location.searchParams.get('code')).toEqual(expect.any(String));
    for (const wrong of [
      'https://app.example/callback?foo=baz',
      'https://app.example/callback?foo=bar&extra=1',
      'https://app.example/callback',
    ]) {
      const refused = await ask(wrong);
      await expectPage(refused, 400);
      expect(refused.headers.get('location')).toBeNull();
    }
  });

  it('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported: request_uri refused by name', async () => {
    const s = await setUp();
    const { response } = await authorize(s, { request_uri: 'https://app.example/request.jwt' });
    expect(callbackOf(response).searchParams.get('error')).toBe('request_uri_not_supported');
  });

  it('oidcc-registration-jwks-uri: jwks_uri is refused as invalid_client_metadata (inline jwks is supported)', async () => {
    const { response } = await dynamicClient({
      redirect_uris: ['https://app.example/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://app.example/jwks.json',
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_client_metadata' });
  });
});
