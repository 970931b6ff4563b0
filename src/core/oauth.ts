// The rules behind the OAuth endpoints: RFC 7009 revocation (a refresh or access token ends
// its session; unknown tokens, and machine tokens, which have no session, are ignored) and RFC 7662
// introspection (a server token only sees tokens of its own ecosystem; machine tokens belong to none). A token is inactive only when it truly is: a KV or D1 failure on
// the way is logged and answered TEMPORARILY_UNAVAILABLE (fail closed), never taken for an answer.
import { findSession } from '../store/session-repo';
import { findUserById } from '../store/user-repo';
import type { Deps } from './deps';
import type { Caller } from './ecosystems';
import { authenticateBearer, checkRevocationStrictly, type Identity } from './edge-auth';
import { AppError } from './errors';
import { authenticateMachineToken, CLIENT_CREDENTIALS, looksLikeMachineToken, type MachineIdentity } from './machine-tokens';
import { authenticateClient } from './client-authentication';
import { looksLikeRefreshToken, revokeSession, sessionOfRefreshToken, type ClientOfRequest } from './sessions';

/** Runs an OAuth operation; a failure that is not the core's own answer becomes a logged 503. */
async function failClosed<T>(deps: Deps, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    deps.log.error('oauth_store_failed', { operation, error: String(error) });
    throw new AppError('TEMPORARILY_UNAVAILABLE');
  }
}

/** The identity of a live token; null only when the token itself is refused (invalid, expired, revoked). */
async function liveIdentity(deps: Deps, token: string): Promise<Identity | null> {
  try {
    return await authenticateBearer(deps, token);
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

/**
 * Whether an authenticated client other than the one a session is bound to asks to revoke it (RFC
 * 7009 2.1: a client revokes only its own tokens). A request naming no client goes on as before:
 * whoever holds the token may end it. A client that fails authentication is invalid_client.
 */
async function revokedByAnotherClient(deps: Deps, sessionId: string, clientOf: ClientOfRequest | undefined): Promise<boolean> {
  const session = await findSession(deps.db, sessionId);
  const credentials = session?.clientId != null ? clientOf?.() : undefined;
  if (credentials === undefined) return false;
  const client = await authenticateClient(deps, credentials);
  return client.id !== session!.clientId;
}

export function revokeToken(deps: Deps, token: string, clientOf?: ClientOfRequest): Promise<void> {
  return failClosed(deps, 'revoke', async () => {
    const sessionId = looksLikeRefreshToken(token)
      ? (await sessionOfRefreshToken(deps, token))?.id
      : (await liveIdentity(deps, token))?.sessionId;
    if (sessionId === undefined) return;
    // Answered as for a token that is not ours (200), so it tells the other client nothing.
    if (await revokedByAnotherClient(deps, sessionId, clientOf)) return;
    const { published } = await revokeSession(deps, sessionId, 'oauth_revoke');
    // D1 has it and KV is tried again after the response, but the client must not take this for done.
    if (!published) throw new AppError('TEMPORARILY_UNAVAILABLE');
  });
}

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

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

export function introspectToken(deps: Deps, caller: Caller, token: string): Promise<Introspection> {
  return failClosed(deps, 'introspect', () => {
    if (looksLikeRefreshToken(token)) return introspectRefreshToken(deps, caller, token);
    return looksLikeMachineToken(token) ? introspectMachineToken(deps, token) : introspectBearer(deps, caller, token);
  });
}

/**
 * A machine token (client_credentials), checked against D1: live while its client exists, is
 * still allowed the grant and has not raised its epoch. It belongs to no ecosystem and carries no
 * one's data, so every introspecting caller (any ecosystem's server token) may see it: resource
 * servers are who its clients call.
 */
async function introspectMachineToken(deps: Deps, token: string): Promise<Introspection> {
  let identity: MachineIdentity;
  try {
    identity = await authenticateMachineToken(deps, token, { strict: true });
  } catch (error) {
    if (error instanceof AppError) return { active: false };
    throw error;
  }
  return {
    active: true,
    token_type: 'Bearer',
    gty: CLIENT_CREDENTIALS,
    client_id: identity.clientId,
    sub: identity.clientId,
    ...(identity.scope === null ? {} : { scope: identity.scope }),
    iat: identity.issuedAt,
    exp: identity.expiresAt,
    iss: deps.issuer,
    aud: identity.audience.length === 1 ? identity.audience[0]! : identity.audience,
  };
}

async function introspectBearer(deps: Deps, caller: Caller, token: string): Promise<Introspection> {
  const identity = await liveIdentity(deps, token);
  if (!identity || (caller.kind === 'server' && caller.ecosystemId !== identity.ecosystemId)) return { active: false };
  // The answer resource servers trust: the user and session as D1 holds them now, not as KV last said.
  try {
    await checkRevocationStrictly(deps, identity);
  } catch (error) {
    if (error instanceof AppError) return { active: false };
    throw error;
  }
  return {
    active: true,
    // RFC 7662: the type of the token as RFC 6749 7.1 names it; both kinds are bearer tokens.
    token_type: 'Bearer',
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
    // How its person signed in (RFC 8176), as the token says: a resource server may ask for a second factor.
    ...(Array.isArray(identity.claims.amr) ? { amr: identity.claims.amr } : {}),
  };
}
