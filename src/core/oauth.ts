// The rules behind the OAuth endpoints: RFC 7009 revocation (a refresh or access token ends
// its session; unknown tokens are ignored) and RFC 7662 introspection (a server token only sees
// tokens of its own ecosystem).
import { findUserById } from '../store/user-repo';
import type { Deps } from './deps';
import type { Caller } from './ecosystems';
import { authenticateBearer } from './edge-auth';
import { AppError } from './errors';
import { revokeSession, sessionOfRefreshToken } from './sessions';

const REFRESH_TOKEN_SHAPE = /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/;

export async function revokeToken(deps: Deps, token: string): Promise<void> {
  if (REFRESH_TOKEN_SHAPE.test(token)) {
    const session = await sessionOfRefreshToken(deps, token);
    if (session) await revokeSession(deps, session.id, 'oauth_revoke');
    return;
  }
  const identity = await authenticateBearer(deps, token).catch(() => null);
  if (identity) await revokeSession(deps, identity.sessionId, 'oauth_revoke');
}

export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

async function introspectRefreshToken(deps: Deps, caller: Caller, token: string): Promise<Introspection> {
  const session = await sessionOfRefreshToken(deps, token);
  if (!session) return { active: false };
  const user = await findUserById(deps.db, session.userId);
  if (!user || user.disabled || (caller.kind === 'server' && caller.ecosystemId !== user.ecosystemId)) return { active: false };
  return {
    active: true,
    token_type: 'refresh_token',
    sub: user.id,
    sid: session.id,
    eco: user.ecosystemId,
    iat: Math.floor(session.createdAt / 1000),
    ...(session.expiresAt !== null ? { exp: Math.floor(session.expiresAt / 1000) } : {}),
    iss: deps.issuer,
  };
}

export async function introspectToken(deps: Deps, caller: Caller, token: string): Promise<Introspection> {
  if (REFRESH_TOKEN_SHAPE.test(token)) return introspectRefreshToken(deps, caller, token);
  const identity = await authenticateBearer(deps, token).catch(() => null);
  if (!identity || (caller.kind === 'server' && caller.ecosystemId !== identity.ecosystemId)) return { active: false };
  return {
    active: true,
    token_type: identity.kind === 'access' ? 'access_token' : 'user_token',
    sub: identity.userId,
    sid: identity.sessionId,
    eco: identity.ecosystemId,
    iat: identity.issuedAt,
    ...(identity.expiresAt !== null ? { exp: identity.expiresAt } : {}),
    iss: deps.issuer,
    aud: deps.config.audience,
    username: identity.username ?? identity.email ?? undefined,
    email: identity.email ?? undefined,
    role: identity.role,
    ...(identity.expiryType ? { expiry_type: identity.expiryType } : {}),
  };
}
