// OAuth 2.0 endpoints under /oauth: token (authorization_code with PKCE for registered clients,
// password for the legacy faces' clients, refresh_token; refresh tokens rotate), the browser's
// authorize and logout (authorize.ts), revoke (RFC 7009), introspect (RFC 7662, for server and
// account tokens) and OIDC userinfo. Bodies are form-encoded as the RFCs say; JSON is accepted too.
import { Hono, type Context } from 'hono';
import { authenticateEcosystemCaller } from '../../core/ecosystems';
import { ecosystemScope, requireEcosystemScope } from '../../core/ecosystem-scope';
import { authenticateBearer } from '../../core/edge-auth';
import { AppError } from '../../core/errors';
import { exchangeCode } from '../../core/code-exchange';
import { logInWithPassword } from '../../core/login';
import { authenticateClient, checkPasswordGrantClient } from '../../core/oauth-clients';
import { introspectToken, revokeToken } from '../../core/oauth';
import { refreshSession } from '../../core/sessions';
import { EMAIL_MAX_LENGTH, getUser } from '../../core/users';
import { bearerToken, clientSecretToken } from '../../http/auth-header';
import { optionalString, passwordFieldMaxLength, readBody, requiredString } from '../../http/body';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { browserRoutes } from './authorize';
import { clientCredentials } from './client-auth';
import { renderOAuthError } from './errors';

export const oauthFace = new Hono<AppEnv>();
oauthFace.route('/', browserRoutes);

function tokenResponse(c: Context<AppEnv>, issued: { token: string; expiresIn: number; refreshToken: string }) {
  return c.json(
    { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, refresh_token: issued.refreshToken },
    200,
    { Pragma: 'no-cache' },
  );
}

oauthFace.post('/token', rateLimitPerClient({ scope: 'oauth-token' }), async (c) => {
  const deps = c.env.deps;
  const body = await readBody(c, { form: true });
  const grant = requiredString(body, 'grant_type', 64);
  const credentials = () => clientCredentials(c.req.header('authorization'), body);
  if (grant === 'authorization_code') {
    const named = credentials();
    if (!named) throw new AppError('UNAUTHENTICATED', { reason: 'client_id is missing' });
    const client = await authenticateClient(deps, named);
    const issued = await exchangeCode(deps, client, {
      code: requiredString(body, 'code', 256),
      redirectUri: optionalString(body, 'redirect_uri', 2000),
      codeVerifier: requiredString(body, 'code_verifier', 256),
    });
    return c.json(
      {
        access_token: issued.token,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        refresh_token: issued.refreshToken,
        scope: issued.scope,
        ...(issued.idToken ? { id_token: issued.idToken } : {}),
      },
      200,
      { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    );
  }
  if (grant === 'password') {
    await checkPasswordGrantClient(deps, credentials());
    const username = requiredString(body, 'username', EMAIL_MAX_LENGTH);
    const password = requiredString(body, 'password', passwordFieldMaxLength(deps.config));
    const { session } = await logInWithPassword(deps, { emailOrUsername: username }, password, { rotates: true });
    return tokenResponse(c, session);
  }
  if (grant === 'refresh_token') {
    return tokenResponse(c, await refreshSession(deps, requiredString(body, 'refresh_token', 512)));
  }
  throw new AppError('UNSUPPORTED_GRANT_TYPE', { field: 'grant_type' });
});

oauthFace.post('/revoke', async (c) => {
  const body = await readBody(c, { form: true });
  await revokeToken(c.env.deps, requiredString(body, 'token', 8192));
  return c.body(null, 200);
});

oauthFace.post('/introspect', async (c) => {
  const deps = c.env.deps;
  const caller = await authenticateEcosystemCaller(deps, clientSecretToken(c.req.header('authorization')));
  const body = await readBody(c, { form: true });
  return c.json(await introspectToken(deps, caller, requiredString(body, 'token', 8192)));
});

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

oauthFace.get('/userinfo', userinfo);
oauthFace.post('/userinfo', userinfo);

export { renderOAuthError };
