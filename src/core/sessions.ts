// Sessions and refresh tokens. A refresh token is `<session id>.<secret>`; only a SHA-256 of the
// secret is stored. A rotating session swaps the secret on every use with a D1 compare-and-set;
// the successor is HMAC(presented secret, random salt kept on the row), so a retry of the same
// secret within the grace window gets the very same successor, and a spent secret presented
// after it revokes the whole session.
import { hmacToken, secretMatchesHash, sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import * as repo from '../store/session-repo';
import type { SessionRow } from '../store/session-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { AppError } from './errors';
import { publishSessionRevoked, tokenLifetimeSeconds } from './revocation';
import type { TokenProfile } from './token-profiles';
import { issueAccessToken, type IssuedAccessToken } from './access-tokens';
import { authenticateClient, type ClientCredentials } from './oauth-clients';

export interface StartedSession extends IssuedAccessToken {
  sessionId: string;
  refreshToken: string;
  refreshExpiresIn: number;
  createdAt: number;
}

export interface SessionOptions {
  rotates: boolean;
  profile?: TokenProfile;
  /** `browser`: the hosted pages' cookie session, whose secret is no refresh token (default `refresh`). */
  kind?: 'refresh' | 'browser';
  /** The registered OAuth client the code or password grant starts it for: only it may refresh the session. */
  clientId?: string;
}

/**
 * Starts a session for the user the password check read, only if D1 still holds that user as read
 * (epoch, role, password hash, enabled): a reset, disable, demotion or revocation that landed
 * during the check makes the login fail as if the password were wrong.
 */
export async function startSession(
  deps: Deps,
  user: UserRow,
  options: SessionOptions,
): Promise<StartedSession> {
  const now = deps.now();
  const secret = randomToken(32);
  const sessionId = randomId();
  const ttl = deps.config.refreshTokenTtlSeconds;
  const kind = options.kind ?? 'refresh';
  const row = { id: sessionId, userId: user.id, kind, rotates: options.rotates, secretHash: sha256Hex(secret) } as const;
  const inserted = await repo.insertSessionIfUnchangedQuery(
    deps.db,
    { ...row, expiryType: null, ttlSeconds: null, createdAt: now, expiresAt: now + ttl * 1000, clientId: options.clientId ?? null },
    { tokenEpoch: user.tokenEpoch, role: user.role, passwordHash: user.passwordHash },
  );
  if (inserted.length !== 1) throw new AppError('INVALID_CREDENTIALS');
  const access = await issueAccessToken(deps, user, { id: sessionId, userEpoch: user.tokenEpoch }, options.profile);
  return { sessionId, refreshToken: `${sessionId}.${secret}`, refreshExpiresIn: ttl, createdAt: now, ...access };
}

/** A refresh token's shape: `<session id>.<secret>`, a UUID and 32 random bytes in base64url. */
const REFRESH_TOKEN_SHAPE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

/** Whether the token has a refresh token's shape (and so is no JWT). */
export function looksLikeRefreshToken(token: string): boolean {
  return REFRESH_TOKEN_SHAPE.test(token);
}

export function parseRefreshToken(token: string): { sessionId: string; secret: string } {
  const match = REFRESH_TOKEN_SHAPE.exec(token);
  if (!match) throw new AppError('INVALID_REFRESH_TOKEN');
  return { sessionId: match[1]!, secret: match[2]! };
}

export interface RefreshedSession extends IssuedAccessToken {
  sessionId: string;
  user: UserRow;
  /** The token to use next time: a successor when the session rotates, else the same one. */
  refreshToken: string;
  refreshExpiresIn: number;
}

/** Whether the secret is one this session has already spent (a replay, after the grace window). */
function isSpent(deps: Deps, row: SessionRow, secret: string): Promise<boolean> {
  return repo.isSpentSecret(deps.db, row.id, sha256Hex(secret));
}

/**
 * Swaps the current secret for a successor if it is still the current one (compare-and-set). The
 * presented secret is recorded as spent in the same batch: if the swap loses a race, the winner
 * spent that same secret, so the record holds either way.
 */
async function rotate(deps: Deps, row: SessionRow, secret: string): Promise<string | null> {
  const salt = randomToken(16);
  const successor = hmacToken(secret, salt);
  const now = deps.now();
  const rotation = { fromHash: row.secretHash!, toHash: sha256Hex(successor), salt, generation: row.generation + 1, now };
  const [, updated] = await deps.db.batch(repo.rotateSessionQueries(deps.db, row.id, rotation));
  return updated.length === 1 ? successor : null;
}

/** The successor a retry of the just-spent secret gets, when it comes within the grace window. */
function graceSuccessor(deps: Deps, row: SessionRow, secret: string): string | null {
  const withinGrace = row.rotatedAt !== null && deps.now() - row.rotatedAt <= deps.config.refreshGraceSeconds * 1000;
  if (!withinGrace || !row.rotationSalt || !row.secretHash) return null;
  const successor = hmacToken(secret, row.rotationSalt);
  return secretMatchesHash(successor, row.secretHash) ? successor : null;
}

function loadSession(deps: Deps, sessionId: string): Promise<SessionRow | undefined> {
  return repo.findSession(deps.db, sessionId);
}

function isLive(deps: Deps, row: SessionRow | undefined): row is SessionRow {
  return !!row && row.kind === 'refresh' && row.revokedAt === null && (row.expiresAt === null || row.expiresAt > deps.now());
}

async function nextRefreshToken(deps: Deps, row: SessionRow, secret: string): Promise<string> {
  if (!row.rotates) {
    if (!secretMatchesHash(secret, row.secretHash ?? '')) throw new AppError('INVALID_REFRESH_TOKEN');
    // A revocation since the row was read wins: no access token is minted after it.
    const touched = await repo.touchSessionQuery(deps.db, row.id, deps.now());
    if (touched.length === 0) throw new AppError('INVALID_REFRESH_TOKEN');
    return secret;
  }
  if (secretMatchesHash(secret, row.secretHash ?? '')) {
    const successor = await rotate(deps, row, secret);
    if (successor) return successor;
    // Another request rotated this secret a moment ago: read what it left and treat this as its retry.
    const fresh = await loadSession(deps, row.id);
    if (!isLive(deps, fresh)) throw new AppError('INVALID_REFRESH_TOKEN');
    row = fresh;
  }
  const retried = graceSuccessor(deps, row, secret);
  if (retried) return retried;
  if (await isSpent(deps, row, secret)) {
    await revokeSession(deps, row.id, 'refresh_token_reuse');
    deps.log.info('refresh_reuse_revoked_session', { sessionId: row.id });
  }
  throw new AppError('INVALID_REFRESH_TOKEN');
}

/** The client credentials of the request, read only when asked (undefined: it named no client). */
export type ClientOfRequest = () => ClientCredentials | undefined;

/**
 * A session the authorization_code grant started is bound to its client: only that client, named
 * (public) or authenticated (confidential), may use its refresh token. Checked before the secret is
 * spent, so a refusal leaves the token as it was. Other sessions go on as before.
 */
async function checkBoundClient(deps: Deps, row: SessionRow, clientOf: ClientOfRequest | undefined): Promise<void> {
  if (row.clientId === null) return;
  const credentials = clientOf?.();
  if (credentials === undefined) throw new AppError('INVALID_REFRESH_TOKEN', { reason: 'the token is bound to a client' });
  // A wrong or missing secret of a confidential client is invalid_client, as at the code exchange.
  const client = await authenticateClient(deps, credentials);
  if (client.id !== row.clientId) throw new AppError('INVALID_REFRESH_TOKEN', { reason: 'the token was issued to another client' });
}

/**
 * Uses a refresh token: a new access token, and the refresh token to use next. `clientOf` gives
 * the request's client credentials (the OAuth token endpoint); without it, a client-bound token is refused.
 */
export async function refreshSession(
  deps: Deps,
  refreshToken: string,
  profile?: TokenProfile,
  clientOf?: ClientOfRequest,
): Promise<RefreshedSession> {
  const { sessionId, secret } = parseRefreshToken(refreshToken);
  const row = await loadSession(deps, sessionId);
  if (!isLive(deps, row)) throw new AppError('INVALID_REFRESH_TOKEN');
  await checkBoundClient(deps, row, clientOf);
  const next = await nextRefreshToken(deps, row, secret);
  const user = await findUserById(deps.db, row.userId);
  if (!user || user.disabled) throw new AppError('INVALID_REFRESH_TOKEN');
  // The session's own epoch, not the user's: a refresh racing a revocation mints a dead token.
  const access = await issueAccessToken(deps, user, row, profile);
  const refreshExpiresIn = Math.max(0, Math.floor(((row.expiresAt ?? deps.now()) - deps.now()) / 1000));
  return { sessionId: row.id, user, refreshToken: `${row.id}.${next}`, refreshExpiresIn, ...access };
}

/** The session a refresh token names, if its secret is the current one (for RFC 7009 revocation). */
export async function sessionOfRefreshToken(deps: Deps, refreshToken: string): Promise<SessionRow | null> {
  let parsed;
  try {
    parsed = parseRefreshToken(refreshToken);
  } catch {
    return null;
  }
  const row = await loadSession(deps, parsed.sessionId);
  if (!isLive(deps, row) || !secretMatchesHash(parsed.secret, row.secretHash ?? '')) return null;
  return row;
}

/**
 * Ends one session: its refresh token and every access or user token carrying its id. `published`
 * tells whether KV took the revocation at the first try (D1 and this isolate have it either way).
 */
export async function revokeSession(deps: Deps, sessionId: string, reason: string): Promise<SessionRow & { published: boolean }> {
  const [row] = await repo.revokeSessionQuery(deps.db, sessionId, reason, deps.now());
  if (!row) throw new AppError('SESSION_NOT_FOUND');
  const published = await publishSessionRevoked(deps, sessionId, tokenLifetimeSeconds(deps, row));
  return { ...row, published };
}

/** Ends one session, if there is one: a session already deleted is no error (a sign-out, a replay). */
export async function revokeSessionIfAny(deps: Deps, sessionId: string, reason: string): Promise<void> {
  await revokeSession(deps, sessionId, reason).catch((error: unknown) => {
    if (!(error instanceof AppError && error.code === 'SESSION_NOT_FOUND')) throw error;
  });
}

/** A user's sessions that can still be used, newest first. */
export function listLiveSessions(deps: Deps, userId: string): Promise<SessionRow[]> {
  return repo.listLiveSessions(deps.db, userId, deps.now());
}
