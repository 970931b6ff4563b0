// Public standards routes: the JWKS, OpenID discovery, and forward-auth for reverse proxies.
import { Hono } from 'hono';
import { ecosystemScope, requireEcosystemScope } from '../../core/ecosystem-scope';
import { authenticateBearer } from '../../core/edge-auth';
import { checkHealth } from '../../core/health';
import { SUPPORTED_SCOPES } from '../../core/oauth-clients';
import { identityHeaders } from '../../http/identity-headers';
import { headerOrCookieToken } from '../../http/request-token';
import type { AppEnv } from '../../http/types';

const PUBLIC_CACHE = 'public, max-age=300';

export const standards = new Hono<AppEnv>();

standards.get('/healthz', async (c) => {
  const { down, ...report } = await checkHealth(c.env.deps);
  const body = down.length === 0 ? report : { ...report, down };
  return c.json(body, down.length === 0 ? 200 : 503, { 'Cache-Control': 'no-store' });
});

standards.get('/.well-known/jwks.json', (c) => c.json(c.env.deps.keys.jwks, 200, { 'Cache-Control': PUBLIC_CACHE }));

standards.get('/.well-known/openid-configuration', (c) => {
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
      grant_types_supported: ['authorization_code', 'refresh_token', 'password'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: [...SUPPORTED_SCOPES],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: keys.algorithms,
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      prompt_values_supported: ['none', 'login'],
      claims_supported: [
        'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified',
        'preferred_username', 'name', 'given_name', 'family_name', 'locale', 'role', 'eco',
      ],
    },
    200,
    { 'Cache-Control': PUBLIC_CACHE },
  );
});

/**
 * Forward-auth (nginx auth_request, Caddy forward_auth, Traefik ForwardAuth): 200 with the
 * identity headers for a valid token in Authorization (or the token cookie) of DEFAULT_ECOSYSTEM,
 * or of the ecosystem the proxy names in `?ecosystem=` ("*" for any); 401 with a Bearer
 * challenge otherwise, a token of another ecosystem included.
 */
standards.get('/auth/verify', async (c) => {
  const deps = c.env.deps;
  const scope = ecosystemScope(deps, c.req.queries('ecosystem'));
  const identity = await authenticateBearer(deps, headerOrCookieToken(c));
  requireEcosystemScope(identity, scope);
  for (const [name, value] of identityHeaders(identity)) c.header(name, value);
  return c.body(null, 200);
});
