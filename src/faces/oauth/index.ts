// OAuth 2.0 endpoints under /oauth: token (password and refresh_token grants; refresh tokens
// rotate), revoke (RFC 7009), introspect (RFC 7662, for server and account tokens) and OIDC
// userinfo. Bodies are form-encoded as the RFCs say; JSON is accepted too. Requests are checked by
// the zod schemas of schemas.ts (src/http/validate.ts), which also document each route.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describeRoute } from 'hono-openapi';
import type { Deps } from '../../core/deps';
import { authenticateEcosystemCaller, type Caller } from '../../core/ecosystems';
import { ecosystemScope, requireEcosystemScope } from '../../core/ecosystem-scope';
import { authenticateBearer } from '../../core/edge-auth';
import { AppError } from '../../core/errors';
import { logInWithPassword } from '../../core/login';
import { introspectToken, revokeToken } from '../../core/oauth';
import { refreshSession } from '../../core/sessions';
import { getUser } from '../../core/users';
import { bearerToken, clientSecretToken } from '../../http/auth-header';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { renderOAuthError } from './errors';
import * as s from './schemas';

export const oauthFace = new Hono<AppEnv>();

interface Issued {
  token: string;
  expiresIn: number;
  refreshToken: string;
}

function tokenResponse(c: Context<AppEnv>, issued: Issued) {
  return c.json(
    { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, refresh_token: issued.refreshToken },
    200,
    { Pragma: 'no-cache' },
  );
}

/** Each grant's handler, by grant_type: one per object of s.TOKEN_GRANTS. */
const GRANTS: { [G in s.TokenRequest['grant_type']]: (deps: Deps, request: Extract<s.TokenRequest, { grant_type: G }>) => Promise<Issued> } = {
  password: async (deps, { username, password }) =>
    (await logInWithPassword(deps, { emailOrUsername: username }, password, { rotates: true })).session,
  refresh_token: (deps, { refresh_token }) => refreshSession(deps, refresh_token),
};

oauthFace.post(
  '/token',
  describeRoute(
    operation(TAGS.oauth, 'Tokens: grant_type password or refresh_token', SECURITY.none, {
      200: jsonResponse('An access token and the next refresh token', s.TokenAnswer),
      ...s.oauthErrors({
        400: 'invalid_request (a field, named), invalid_grant (wrong credentials or refresh token), unsupported_grant_type',
        429: 'slow_down (the per-client budget) or invalid_grant (the account is locked for a while)',
      }),
    }),
  ),
  rateLimitPerClient({ scope: 'oauth-token' }),
  validate('json', s.TokenRequest, { form: true, example: s.TOKEN_EXAMPLE, toError: s.tokenRequestError }),
  async (c) => {
    const request = c.req.valid('json');
    const grant = GRANTS[request.grant_type] as (deps: Deps, request: s.TokenRequest) => Promise<Issued>;
    return tokenResponse(c, await grant(c.env.deps, request));
  },
);

oauthFace.post(
  '/revoke',
  describeRoute(
    operation(TAGS.oauth, 'Revoke a refresh token (RFC 7009)', SECURITY.none, {
      200: { description: 'Revoked, or not a token of ours (RFC 7009 answers both alike)' },
      ...s.oauthErrors({ 400: 'invalid_request: no token' }),
    }),
  ),
  validate('json', s.TokenBody, { form: true }),
  async (c) => {
    await revokeToken(c.env.deps, c.req.valid('json').token);
    return c.body(null, 200);
  },
);

/** The introspecting caller (a server token or the account token, as the Basic password or a bearer). */
const requireEcosystemCaller = createMiddleware<AppEnv & { Variables: { caller: Caller } }>(async (c, next) => {
  c.set('caller', await authenticateEcosystemCaller(c.env.deps, clientSecretToken(c.req.header('authorization'))));
  await next();
});

oauthFace.post(
  '/introspect',
  describeRoute(
    operation(TAGS.oauth, 'Introspect a token (RFC 7662), as an ecosystem’s server', SECURITY.introspection, {
      200: jsonResponse('Whether the token is live, and whose', s.Introspection),
      ...s.oauthErrors({
        400: 'invalid_request: no token',
        401: 'invalid_client: no server or account token',
        503: 'temporarily_unavailable: the store could not say (never reported as inactive)',
      }),
    }),
  ),
  requireEcosystemCaller,
  validate('json', s.TokenBody, { form: true }),
  async (c) => c.json(await introspectToken(c.env.deps, c.get('caller'), c.req.valid('json').token)),
);

/** The bearer's claims; only for a token of DEFAULT_ECOSYSTEM unless `?ecosystem=` names another or "*". */
async function userinfo(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const scope = ecosystemScope(deps, c.req.queries('ecosystem'));
  // Checked against D1: a disabled user, a raised epoch or an ended session refuse at once.
  const identity = await authenticateBearer(deps, bearerToken(c.req.header('authorization')), { strict: true });
  requireEcosystemScope(identity, scope);
  const user = await getUser(deps, identity.userId).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'USER_NOT_FOUND' ? new AppError('TOKEN_REVOKED') : error;
  });
  if (user.disabled) throw new AppError('TOKEN_REVOKED');
  return c.json({
    sub: user.id,
    email: user.email ?? undefined,
    email_verified: user.email ? user.confirmed : undefined,
    preferred_username: user.username ?? undefined,
    given_name: user.firstName ?? undefined,
    family_name: user.lastName ?? undefined,
    locale: user.language,
    role: user.role,
    eco: user.ecosystemId,
  });
}

// The scope is read by ecosystemScope (one value, or a 400): documented here, not validated twice.
const describeUserinfo = describeRoute({
  ...operation(TAGS.oauth, 'The bearer’s claims (OpenID Connect)', SECURITY.bearer, {
    200: jsonResponse('The user, as OpenID Connect names the claims', s.UserInfo),
    ...s.oauthErrors({
      400: 'invalid_request: `ecosystem` is not one ecosystem id or "*"',
      401: 'invalid_request (no token) or invalid_token, with a Bearer challenge',
    }),
  }),
  parameters: [
    {
      in: 'query',
      name: 'ecosystem',
      required: false,
      description: 'The ecosystem the token must belong to, or `*` for any; default DEFAULT_ECOSYSTEM.',
      schema: { type: 'string', maxLength: 64 },
    },
  ],
});

oauthFace.get('/userinfo', describeUserinfo, userinfo);
oauthFace.post('/userinfo', describeUserinfo, userinfo);

export { renderOAuthError };
