// OAuth 2.0 endpoints under /oauth: token (authorization_code with PKCE for registered clients,
// password for the legacy faces' clients, refresh_token; refresh tokens rotate; client_credentials
// for confidential clients the operator allowed it), the browser's
// authorize and logout (authorize.ts), revoke (RFC 7009), introspect (RFC 7662, for server and
// account tokens) and OIDC userinfo. Bodies are form-encoded as the RFCs say; JSON is accepted too.
// Requests are checked by the zod schemas of schemas.ts (src/http/validate.ts), which also document each route.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describeRoute } from 'hono-openapi';
import { authenticateEcosystemCaller, type Caller } from '../../core/ecosystems';
import { ecosystemScope, requireEcosystemScope } from '../../core/ecosystem-scope';
import { authenticateBearer } from '../../core/edge-auth';
import { AppError } from '../../core/errors';
import { exchangeCode } from '../../core/code-exchange';
import { pollDeviceCode, startDeviceAuthorization } from '../../core/device-authorization';
import { logInWithPassword } from '../../core/login';
import { authenticateClient, checkPasswordGrantClient } from '../../core/client-authentication';
import { grantClientCredentials } from '../../core/machine-tokens';
import { introspectToken, revokeToken } from '../../core/oauth';
import { refreshSession } from '../../core/sessions';
import { emailVerified, getUser } from '../../core/users';
import { bearerToken, clientSecretToken } from '../../http/auth-header';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { browserRoutes } from './authorize';
import { clientCredentials } from './client-auth';
import { registrationRoutes } from './registration';
import * as s from './schemas';

export const oauthFace = new Hono<AppEnv>();
oauthFace.route('/', browserRoutes);
oauthFace.route('/', registrationRoutes);

interface Issued {
  token: string;
  expiresIn: number;
  /** None for client_credentials (RFC 6749 4.4.3). */
  refreshToken?: string;
  scope?: string;
  idToken?: string;
}

function tokenResponse(c: Context<AppEnv>, issued: Issued) {
  const { scope, idToken } = issued;
  return c.json(
    {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
      ...(scope === undefined ? {} : { scope }),
      ...(idToken === undefined ? {} : { id_token: idToken }),
    },
    200,
    { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  );
}

type Grant<G extends s.TokenRequest['grant_type']> = (
  c: Context<AppEnv>,
  request: Extract<s.TokenRequest, { grant_type: G }>,
) => Promise<Issued>;

/** Each grant's handler, by grant_type: one per object of s.TOKEN_GRANTS. */
const GRANTS: { [G in s.TokenRequest['grant_type']]: Grant<G> } = {
  authorization_code: async (c, request) => {
    const named = clientCredentials(c.req.header('authorization'), request);
    if (!named) throw new AppError('UNAUTHENTICATED', { reason: 'client_id is missing' });
    const client = await authenticateClient(c.env.deps, named);
    return exchangeCode(c.env.deps, client, { code: request.code, redirectUri: request.redirect_uri, codeVerifier: request.code_verifier });
  },
  password: async (c, request) => {
    // Without a client id, the legacy faces' clients as before; a registered client needs
    // allowPasswordGrant, and its refresh token is bound to it.
    const clientId = await checkPasswordGrantClient(c.env.deps, clientCredentials(c.req.header('authorization'), request));
    const options = { rotates: true, ...(clientId === undefined ? {} : { clientId }) };
    return (await logInWithPassword(c.env.deps, { emailOrUsername: request.username }, request.password, options, request.otp)).session;
  },
  // A token a registered client obtained (code or password grant) is bound to it (checked in the core); others as before.
  refresh_token: (c, request) =>
    refreshSession(c.env.deps, request.refresh_token, { clientOf: () => clientCredentials(c.req.header('authorization'), request) }),
  // A confidential client's own token (RFC 6749 4.4): the rules are the core's (machine-tokens.ts).
  client_credentials: (c, request) =>
    grantClientCredentials(c.env.deps, clientCredentials(c.req.header('authorization'), request), request),
  // RFC 8628 3.4: the client that asked for the device code polls, authenticated as at the code exchange.
  [s.DEVICE_CODE_GRANT_TYPE]: async (c, request) => {
    const named = clientCredentials(c.req.header('authorization'), request);
    if (!named) throw new AppError('UNAUTHENTICATED', { reason: 'client_id is missing' });
    return pollDeviceCode(c.env.deps, await authenticateClient(c.env.deps, named), request.device_code);
  },
};

oauthFace.post(
  '/token',
  describeRoute(
    operation(
      TAGS.oauth,
      'Tokens: grant_type authorization_code (PKCE), password, refresh_token, client_credentials or device_code',
      SECURITY.none,
      {
        200: jsonResponse('An access token and the next refresh token (none for client_credentials)', s.TokenAnswer),
        ...s.oauthErrors({
          400: 'invalid_request (a field, named), invalid_grant (wrong credentials, code, verifier or refresh token), unauthorized_client, invalid_scope, unsupported_grant_type; for the device code: authorization_pending, slow_down, expired_token, access_denied',
          401: 'invalid_client: a registered client that did not authenticate (a Basic challenge when it tried Basic)',
          403: 'mfa_required: the password grant for an account with a second factor, without otp',
          429: 'slow_down (the per-client budget) or invalid_grant (the account is locked for a while)',
        }),
      },
    ),
  ),
  rateLimitPerClient({ scope: 'oauth-token' }),
  validate('json', s.TokenRequest, { form: true, example: s.TOKEN_EXAMPLE, toError: s.tokenRequestError }),
  async (c) => {
    const request = c.req.valid('json');
    const grant = GRANTS[request.grant_type] as (c: Context<AppEnv>, request: s.TokenRequest) => Promise<Issued>;
    return tokenResponse(c, await grant(c, request));
  },
);

oauthFace.post(
  '/device_authorization',
  describeRoute(
    operation(TAGS.oauth, 'Start a device authorization (RFC 8628): a device code to poll with, a user code for /device', SECURITY.none, {
      200: jsonResponse('The codes, where the person enters the user code, and how often to poll', s.DeviceAuthorizationAnswer),
      ...s.oauthErrors({
        400: 'invalid_request, unauthorized_client (the client is not allowed the device grant), invalid_scope',
        401: 'invalid_client: unknown client, or a confidential one that did not authenticate',
        429: 'slow_down: the per-client budget',
      }),
    }),
  ),
  rateLimitPerClient({ scope: 'oauth-device' }),
  validate('json', s.DeviceAuthorizationRequest, { form: true }),
  async (c) => {
    const request = c.req.valid('json');
    const deps = c.env.deps;
    const started = await startDeviceAuthorization(deps, clientCredentials(c.req.header('authorization'), request), request.scope);
    const page = `${deps.publicUrl}/device`;
    return c.json(
      {
        device_code: started.deviceCode,
        user_code: started.userCode,
        verification_uri: page,
        verification_uri_complete: `${page}?user_code=${encodeURIComponent(started.userCode)}`,
        expires_in: started.expiresIn,
        interval: started.interval,
      },
      200,
      { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    );
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
  validate('json', s.RevokeBody, { form: true }),
  async (c) => {
    const body = c.req.valid('json');
    await revokeToken(c.env.deps, body.token, () => clientCredentials(c.req.header('authorization'), body));
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

/**
 * The token of a userinfo request: `Authorization: Bearer`, or on a POST the form field
 * `access_token` (RFC 6750 2.2); both at once is invalid_request (RFC 6750 2: one method only).
 */
async function userinfoToken(c: Context<AppEnv>): Promise<string> {
  const header = c.req.header('authorization');
  const isForm = c.req.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '');
  const fromBody = isForm ? (new URLSearchParams(await c.req.text()).get('access_token') ?? undefined) : undefined;
  if (fromBody === undefined) return bearerToken(header);
  if (header !== undefined)
    throw new AppError('INVALID_FIELD', { field: 'access_token', reason: 'must not be sent with an Authorization header' });
  return fromBody;
}

/** The bearer's claims; only for a token of DEFAULT_ECOSYSTEM unless `?ecosystem=` names another or "*". */
async function userinfo(c: Context<AppEnv>) {
  const deps = c.env.deps;
  const scope = ecosystemScope(deps, c.req.queries('ecosystem'));
  // Checked against D1: a disabled user, a raised epoch or an ended session refuse at once.
  const identity = await authenticateBearer(deps, await userinfoToken(c), { strict: true });
  requireEcosystemScope(identity, scope);
  const user = await getUser(deps, identity.userId).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'USER_NOT_FOUND' ? new AppError('TOKEN_REVOKED') : error;
  });
  if (user.disabled) throw new AppError('TOKEN_REVOKED');
  return c.json({
    sub: user.id,
    email: user.email ?? undefined,
    email_verified: user.email ? emailVerified(user) : undefined,
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
