// Public standards routes: the JWKS, OpenID discovery, and forward-auth for reverse proxies.
import { ACR_VALUES_SUPPORTED } from '../../core/amr';
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { ecosystemScope, requireEcosystemScope } from '../../core/ecosystem-scope';
import { checkHealth } from '../../core/health';
import { AppError, invalidField } from '../../core/errors';
import { signInPath, websiteCaller, type WebsiteCaller } from '../../web/website-session';
import { STATUS_OF } from '../../http/errors';
import { CLIENT_ASSERTION_ALGORITHMS, SUPPORTED_SCOPES } from '../../core/oauth-clients';
import { rawOrBearerToken } from '../../http/auth-header';
import { identityHeaders, machineIdentityHeaders } from '../../http/identity-headers';
import { authenticateMachineToken, looksLikeMachineToken } from '../../core/machine-tokens';
import type { AppEnv } from '../../http/types';
import { operation, SECURITY, TAGS } from '../../openapi/describe';
import { managementErrors } from './schemas';

const PUBLIC_CACHE = 'public, max-age=300';

export const standards = new Hono<AppEnv>();

const ok = (description: string) => ({ 200: { description } });

const healthDoc = operation(TAGS.edge, 'Health of the database, KV and keys', SECURITY.none, {
  ...ok('All up'),
  503: { description: 'Something is down (named in `down`)' },
});

standards.get('/healthz', describeRoute(healthDoc), async (c) => {
  const { down, ...report } = await checkHealth(c.env.deps);
  const body = down.length === 0 ? report : { ...report, down };
  return c.json(body, down.length === 0 ? 200 : 503, { 'Cache-Control': 'no-store' });
});

standards.get(
  '/.well-known/jwks.json',
  describeRoute(
    operation(TAGS.oauth, 'The public signing keys (JWKS)', SECURITY.none, {
      ...ok('The key set: every key, or with `?profile=default` / `?profile=legacy` only that token profile’s keys'),
      400: { description: 'An unknown `profile`' },
    }),
  ),
  (c) => {
    const profile = c.req.query('profile');
    const { keys } = c.env.deps;
    if (profile !== undefined && profile !== 'default' && profile !== 'legacy') {
      throw invalidField('profile', 'must be "default" or "legacy"');
    }
    return c.json(profile === undefined ? keys.jwks : keys.profileJwks[profile], 200, { 'Cache-Control': PUBLIC_CACHE });
  },
);

/** The provider's metadata: OpenID Connect Discovery 1.0, and RFC 8414 for OAuth clients (the same document). */
function providerMetadata(c: Context<AppEnv>) {
  const { issuer, keys } = c.env.deps;
  return c.json(
    {
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
      scopes_supported: [...SUPPORTED_SCOPES],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: keys.algorithms,
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      prompt_values_supported: ['none', 'login'],
      // Step-up: urn:gatehouse:mfa asks for a sign-in with a second factor (docs/second-factors.md).
      acr_values_supported: [...ACR_VALUES_SUPPORTED],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      claims_parameter_supported: false,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'amr',
        'acr',
        'email',
        'email_verified',
        'preferred_username',
        'name',
        'given_name',
        'family_name',
        'locale',
        'role',
        'eco',
      ],
    },
    200,
    { 'Cache-Control': PUBLIC_CACHE },
  );
}

standards.get(
  '/.well-known/openid-configuration',
  describeRoute(operation(TAGS.oauth, 'OpenID Connect discovery', SECURITY.none, ok('The provider metadata'))),
  providerMetadata,
);

standards.get(
  '/.well-known/oauth-authorization-server',
  describeRoute(
    operation(TAGS.oauth, 'OAuth 2.0 authorization server metadata (RFC 8414)', SECURITY.none, ok('The same metadata as OpenID discovery')),
  ),
  providerMetadata,
);

/**
 * Forward-auth (nginx auth_request, Caddy forward_auth, Traefik ForwardAuth): 200 with the
 * identity headers for a valid token in Authorization (or the token cookie), or a browser's access
 * or session cookie (a renewed access cookie comes back in Set-Cookie), of DEFAULT_ECOSYSTEM, or of
 * the ecosystem the proxy names in `?ecosystem=` ("*" for any); 401 with a Bearer challenge
 * otherwise, a token of another ecosystem included. With `?login=1` the 401 also carries a
 * Location: the hosted sign-in, returning to the path the proxy names in X-Forwarded-Uri or
 * X-Original-URI (as oauth2-proxy's /oauth2/start).
 *
 * A machine token (client_credentials) speaks for a client, not a person: a proxy set up for
 * people must not let it through, so it is refused (401) unless the proxy asks with `?machine=1`,
 * and then answered with X-Client-Id and X-Client-Scope and no X-User-* or X-Ecosystem-Id.
 */
const verifyDoc = operation(
  TAGS.edge,
  'Forward-auth: is this token valid here?',
  SECURITY.bearer,
  { 200: { description: 'Valid: the identity in X-User-* headers, no body' }, ...managementErrors({}) },
  'For nginx auth_request, Caddy forward_auth and Traefik ForwardAuth. `?ecosystem=` names the ecosystem whose tokens count (`*` for any); the token may also come in the access-token cookie. A machine token (client_credentials, in Authorization) counts only with `?machine=1`, answered with X-Client-Id and X-Client-Scope and no user headers; with `&resource=<uri>` only one addressed to that resource (RFC 8707) counts.',
);

/**
 * Where a browser of the proxied website signs in: the website's own origin when the proxy names a
 * host (X-Forwarded-Host, with X-Forwarded-Proto) whose origin is PUBLIC_URL's or in
 * WEBSITE_ORIGINS, its pages being served there; else PUBLIC_URL. Never a host that is not listed.
 */
function signInOrigin(c: Context<AppEnv>): string {
  const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() ?? 'https';
  const origin = host ? `${proto}://${host}` : undefined;
  return origin !== undefined && c.env.deps.config.websiteOrigins.includes(origin) ? origin : c.env.deps.publicUrl;
}

standards.get('/auth/verify', describeRoute(verifyDoc), async (c) => {
  const deps = c.env.deps;
  const scope = ecosystemScope(deps, c.req.queries('ecosystem'));
  const login = c.req.query('login') === '1';
  const header = c.req.header('authorization');
  const bearer = header === undefined ? undefined : rawOrBearerToken(header);
  if (bearer !== undefined && looksLikeMachineToken(bearer)) {
    if (c.req.query('machine') !== '1') throw new AppError('INVALID_TOKEN');
    const identity = await authenticateMachineToken(deps, bearer);
    // `?resource=`: only a token addressed to that resource (RFC 8707) counts here.
    const resource = c.req.query('resource');
    if (resource !== undefined && !identity.audience.includes(resource)) throw new AppError('INVALID_TOKEN');
    for (const [name, value] of machineIdentityHeaders(identity)) c.header(name, value);
    return c.body(null, 200);
  }
  let caller: WebsiteCaller;
  try {
    caller = await websiteCaller(c);
    if (caller.identity) requireEcosystemScope(caller.identity, scope);
  } catch (error) {
    if (!(login && error instanceof AppError && STATUS_OF[error.code] === 401)) throw error;
    caller = { identity: null, setCookie: null, refusal: error };
  }
  if (caller.setCookie) c.header('Set-Cookie', caller.setCookie, { append: true });
  if (!caller.identity) {
    if (!login) throw caller.refusal;
    const original = c.req.header('x-forwarded-uri') ?? c.req.header('x-original-uri');
    c.header('Location', `${signInOrigin(c)}${signInPath(original)}`);
    throw caller.refusal;
  }
  for (const [name, value] of identityHeaders(caller.identity)) c.header(name, value);
  return c.body(null, 200);
});
