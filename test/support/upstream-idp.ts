// A small upstream OpenID provider for tests in workerd, reached by the Worker through its outbound
// `fetch` (newClient({ fetch })): discovery, a JWKS, and a token endpoint that checks the client's
// secret and the PKCE verifier and answers an ID token signed with its own RS256 key. The browser's
// visit to its authorization endpoint is `approve` (the person consents as `identity`) or `deny`.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { expect } from 'vitest';

export interface UpstreamIdentity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
}

interface Grant {
  identity: UpstreamIdentity;
  nonce: string;
  challenge: string;
  redirectUri: string;
}

const sha256url = async (text: string) => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
};

export async function startUpstream(options: { clientId?: string; clientSecret?: string } = {}) {
  const issuer = `https://idp-${crypto.randomUUID().slice(0, 8)}.test`;
  const clientId = options.clientId ?? 'gatehouse-at-idp';
  const clientSecret = options.clientSecret ?? `secret-${crypto.randomUUID()}`;
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const seen: string[] = [];
  /** Set to make the ID token lie or break (a test of the relying party's checks). */
  const tamper: { idToken?: (claims: Record<string, unknown>) => Record<string, unknown>; tokenStatus?: number; foreignKey?: boolean } = {};
  const foreign = await generateKeyPair('RS256');

  async function token(request: Request): Promise<Response> {
    if (tamper.tokenStatus) return Response.json({ error: 'server_error' }, { status: tamper.tokenStatus });
    // RFC 6749 2.3.1: each part form-urlencoded, then Basic.
    const basic = /^Basic (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    const [id, secret] = (basic ? atob(basic) : '').split(':').map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
    if (id !== clientId || secret !== clientSecret) return Response.json({ error: 'invalid_client' }, { status: 401 });
    const form = new URLSearchParams(await request.text());
    const grant = grants.get(form.get('code') ?? '');
    grants.delete(form.get('code') ?? '');
    if (!grant || form.get('redirect_uri') !== grant.redirectUri) return Response.json({ error: 'invalid_grant' }, { status: 400 });
    if ((await sha256url(form.get('code_verifier') ?? '')) !== grant.challenge) {
      return Response.json({ error: 'invalid_grant', error_description: 'PKCE' }, { status: 400 });
    }
    const now = Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown> = { ...grant.identity, nonce: grant.nonce, iss: issuer, aud: clientId, iat: now, exp: now + 300 };
    if (tamper.idToken) claims = tamper.idToken(claims);
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(tamper.foreignKey ? foreign.privateKey : privateKey);
    return Response.json({ access_token: `at-${crypto.randomUUID()}`, token_type: 'Bearer', expires_in: 300, id_token: idToken });
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}`);
    if (url.origin !== issuer) return new Response('not here', { status: 502 });
    if (url.pathname === '/.well-known/openid-configuration') {
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return Response.json({ keys: [jwk] });
    if (url.pathname === '/token' && request.method === 'POST') return token(request);
    return new Response('not found', { status: 404 });
  };

  /** The browser at the authorization endpoint: checks the request and consents; the callback path (on Gatehouse) it is sent to. */
  function approve(authorizationUrl: string, identity: UpstreamIdentity): string {
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/authorize`);
    expect(url.searchParams.get('client_id')).toBe(clientId);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_type')).toBe('code');
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const code = `code-${crypto.randomUUID()}`;
    grants.set(code, {
      identity,
      nonce: url.searchParams.get('nonce')!,
      challenge: url.searchParams.get('code_challenge')!,
      redirectUri,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state')!);
    return back.pathname + back.search;
  }

  function deny(authorizationUrl: string): string {
    const url = new URL(authorizationUrl);
    const back = new URL(url.searchParams.get('redirect_uri')!);
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('state', url.searchParams.get('state')!);
    return back.pathname + back.search;
  }

  return { issuer, clientId, clientSecret, fetch, approve, deny, seen, tamper };
}
