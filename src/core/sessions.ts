// Sessions and refresh tokens. A refresh token is `<session id>.<secret>`; only a SHA-256 of the
// secret is stored. A rotating session swaps the secret on every use with a D1 compare-and-set;
// the successor is derived as HMAC(presented secret, random salt kept on the row), so a retry of
// the same secret within the grace window gets the very same successor, and a spent secret
// presented after it revokes the whole session. Every secret ends in a tag (an HMAC of the rest
// under a key derived from ACCOUNT_TOKEN, bound to the session id): a secret of this session with
// a good tag that is neither the current one nor a retry can only be a spent one, so reuse is
// recognised without a row per spent secret, and a made-up secret cannot end a session.
import { hasSecretTag, randomSecretBody, secretMatchesHash, sha256Hex, successorBody, taggedSecret } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import * as repo from '../store/session-repo';
import type { SessionRow } from '../store/session-repo';

export type { SessionRow };
import { allGuards as allOf, type Guard } from '../store/db';
import { hasConfirmedFactor, noFactorOnGuard } from '../store/second-factor-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { afterEvents, batchWithEvents, eventStatements } from './events';
import { AppError } from './errors';
import { publishSessionRevoked, tokenLifetimeSeconds } from './revocation';
import type { TokenProfile } from './token-profiles';
import { issueAccessToken, type IssuedAccessToken } from './access-tokens';
import { authenticateClient, type ClientCredentials } from './client-authentication';
import { clearFailuresOnceStartedQuery, notLocked, refuseIfLocked } from './credentials';
import { encodeAmr, type AuthMethod } from './amr';
import { secondFactorRequired } from './mfa-policy';
import { secondFactorNotRequiredGuard } from '../store/ecosystem-repo';
import type { RevocationReason } from './changes';

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
  /** The scopes the code grant gave that client (space-separated): its access tokens carry them (RFC 9068 2.2.3). */
  scope?: string;
  /** The browser session the code grant rests on: signing it out ends this session too. */
  originSessionId?: string;
}

/**
 * What a sign-in adds to starting its session (authenticators.ts): no lock on its failure keys,
 * the failures to clear, and how the person proved who they are (RFC 8176 `amr`), recorded on the
 * row by the statement that inserts it. A session carried over from another (the code exchange)
 * brings only its `amr`.
 */
export interface SignInConditions {
  lockKeys?: string[];
  clearKeys?: string[];
  amr?: AuthMethod[];
  /** A sign-in with one factor: the session starts only while the user has no second factor on (else MFA_REQUIRED). */
  oneFactor?: boolean;
  /** The upstream identity provider the sign-in went through (`idp` of the ID token). */
  idp?: string;
  /** A sign-in by its person (not a session carried over): `signin.succeeded` is written with the session. */
  signedIn?: boolean;
}

/** How a sign-in was made, as its event says: the RFC 8176 methods in plain words. */
const HOW: Record<AuthMethod, string> = { pwd: 'password', otp: 'code', hwk: 'passkey', swk: 'passkey', fed: 'provider', mfa: 'mfa' };

/**
 * Starts a session for the user the password check read, only if D1 still holds that user as read
 * (epoch, role, password hash, enabled): a reset, disable, demotion or revocation that landed
 * during the check makes the login fail as if the password were wrong. In the same batch: the
 * sign-in's failure rows are cleared (only if there are any) and the user's oldest sessions beyond
 * MAX_SESSIONS_PER_USER end (only if there are so many); one row written for a clean sign-in.
 */
export async function startSession(deps: Deps, user: UserRow, options: SessionOptions, signIn?: SignInConditions): Promise<StartedSession> {
  const now = deps.now();
  const sessionId = randomId();
  const secret = taggedSecret(deps.config.accountToken, tagContext(sessionId), randomSecretBody());
  const ttl = deps.config.refreshTokenTtlSeconds;
  const kind = options.kind ?? 'refresh';
  const row = { id: sessionId, userId: user.id, kind, rotates: options.rotates, secretHash: sha256Hex(secret) } as const;
  const lockKeys = signIn?.lockKeys ?? [];
  const clearKeys = signIn?.clearKeys ?? [];
  const amr = encodeAmr(signIn?.amr);
  const insert = repo.insertSessionIfUnchangedQuery(
    deps.db,
    {
      ...row,
      expiryType: null,
      ttlSeconds: null,
      createdAt: now,
      expiresAt: now + ttl * 1000,
      clientId: options.clientId ?? null,
      scope: options.scope ?? null,
      originSessionId: options.originSessionId ?? null,
      amr,
      idp: signIn?.idp ?? null,
    },
    {
      tokenEpoch: user.tokenEpoch,
      role: user.role,
      passwordHash: user.passwordHash,
      guard: signInGuard(deps, user, lockKeys, signIn?.oneFactor === true),
    },
  );
  const endOldest = repo.endSessionsBeyondQuery(deps.db, user.id, sessionId, deps.config.maxSessionsPerUser - 1, now);
  const clear = clearKeys.length > 0 ? [clearFailuresOnceStartedQuery(deps, clearKeys, repo.sessionStartedGuard(sessionId))] : [];
  const signedIn = signIn?.signedIn
    ? eventStatements(deps, {
        type: 'signin.succeeded',
        userId: user.id,
        guard: repo.sessionStartedGuard(sessionId),
        details: { how: [...new Set((signIn.amr ?? []).map((method) => HOW[method]))], sessionId, kind, clientId: options.clientId },
      })
    : [];
  const [inserted, ended, ...rest] = await deps.db.batch([insert, endOldest, ...clear, ...signedIn]);
  afterEvents(deps, rest.slice(clear.length));
  if (inserted.length !== 1) {
    if (lockKeys.length > 0) await refuseIfLocked(deps, lockKeys);
    if (signIn?.oneFactor && (await hasConfirmedFactor(deps.db, user.id))) throw new AppError('MFA_REQUIRED');
    if (signIn?.oneFactor && (await secondFactorRequired(deps, user))) throw new AppError('MFA_ENROLLMENT_REQUIRED');
    throw new AppError('INVALID_CREDENTIALS');
  }
  await Promise.all(ended.map((old) => publishSessionRevoked(deps, old.id, tokenLifetimeSeconds(deps, old))));
  const issuedFor = { clientId: options.clientId ?? null, scope: options.scope ?? null };
  const access = await issueAccessToken(deps, user, { id: sessionId, userEpoch: user.tokenEpoch, amr, ...issuedFor }, options.profile);
  return { sessionId, refreshToken: `${sessionId}.${secret}`, refreshExpiresIn: ttl, createdAt: now, ...access };
}

/**
 * The sign-in's conditions on the session's insert: none of its failure keys locked and, for a
 * one-factor sign-in, no second factor on and none required by the policy (mfa-policy.ts; checked
 * in the insert itself, so a password login costs no extra round trip to learn whether the
 * account needs a code or an enrolment).
 */
function signInGuard(deps: Deps, user: UserRow, lockKeys: string[], oneFactor: boolean): Guard | undefined {
  const guards = [
    ...(lockKeys.length > 0 ? [notLocked(deps, lockKeys)] : []),
    ...(oneFactor ? [noFactorOnGuard(user.id), secondFactorNotRequiredGuard(user.ecosystemId, user.role)] : []),
  ];
  return guards.length === 0 ? undefined : guards.length === 1 ? guards[0] : allOf(guards);
}

/** What a session's secrets' tags are bound to. */
function tagContext(sessionId: string): string {
  return `session:${sessionId}`;
}

/** The successor of `secret` under this salt: the same for every retry of the same secret. */
function successorOf(deps: Deps, sessionId: string, secret: string, salt: string): string {
  return taggedSecret(deps.config.accountToken, tagContext(sessionId), successorBody(secret, salt));
}

/** A refresh token's shape: `<session id>.<secret>`, a UUID and 32 bytes in base64url. */
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

/**
 * Whether the secret is one this session has already spent (a replay, after the grace window): it
 * carries this session's tag but is not the current secret. Secrets spent before tags existed are
 * still found by the rows recorded then.
 */
async function isSpent(deps: Deps, row: SessionRow, secret: string): Promise<boolean> {
  if (hasSecretTag(deps.config.accountToken, tagContext(row.id), secret)) return !secretMatchesHash(secret, row.secretHash ?? '');
  return repo.isSpentSecret(deps.db, row.id, sha256Hex(secret));
}

/** Swaps the current secret for a successor if it is still the current one (compare-and-set). */
async function rotate(deps: Deps, row: SessionRow, secret: string): Promise<string | null> {
  const salt = randomToken(16);
  const successor = successorOf(deps, row.id, secret, salt);
  const updated = await repo.rotateSessionQuery(deps.db, row.id, {
    fromHash: row.secretHash!,
    toHash: sha256Hex(successor),
    salt,
    now: deps.now(),
  });
  return updated.length === 1 ? successor : null;
}

/** The successor a retry of the just-spent secret gets, when it comes within the grace window. */
function graceSuccessor(deps: Deps, row: SessionRow, secret: string): string | null {
  const withinGrace = row.rotatedAt !== null && deps.now() - row.rotatedAt <= deps.config.refreshGraceSeconds * 1000;
  if (!withinGrace || !row.rotationSalt || !row.secretHash) return null;
  const successor = successorOf(deps, row.id, secret, row.rotationSalt);
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

export interface RefreshOptions {
  profile?: TokenProfile;
  /** The request's client credentials (the OAuth token endpoint); without it a client-bound token is refused. */
  clientOf?: ClientOfRequest;
  /** Only a session that rotates (true) or that does not (false): any other is INVALID_REFRESH_TOKEN, unspent. */
  rotates?: boolean;
}

/**
 * Uses a refresh token: a new access token, and the refresh token to use next. The common case (a
 * live session bound to no client, its current secret) is one D1 round trip that uses the session
 * and reads it with its user; a lost race, a replay or a client-bound session takes the slow path.
 */
export async function refreshSession(deps: Deps, refreshToken: string, options: RefreshOptions = {}): Promise<RefreshedSession> {
  const { sessionId, secret } = parseRefreshToken(refreshToken);
  const salt = randomToken(16);
  const successor = successorOf(deps, sessionId, secret, salt);
  const trip = await repo.refreshInOneTrip(deps.db, {
    sessionId,
    fromHash: sha256Hex(secret),
    now: deps.now(),
    successor: { toHash: sha256Hex(successor), salt },
    rotates: options.rotates,
  });
  const row = trip.session;
  if (!isLive(deps, row) || (options.rotates !== undefined && row.rotates !== options.rotates)) throw new AppError('INVALID_REFRESH_TOKEN');
  let next: string;
  let user = trip.user;
  if (trip.used) {
    next = row.rotates ? successor : secret;
  } else {
    await checkBoundClient(deps, row, options.clientOf);
    next = await nextRefreshToken(deps, row, secret);
    user = await findUserById(deps.db, row.userId);
  }
  if (!user || user.disabled) throw new AppError('INVALID_REFRESH_TOKEN');
  // The session's own epoch, not the user's: a refresh racing a revocation mints a dead token.
  const access = await issueAccessToken(deps, user, row, options.profile);
  const refreshExpiresIn = Math.max(0, Math.floor(((row.expiresAt ?? deps.now()) - deps.now()) / 1000));
  return { sessionId: row.id, user, refreshToken: `${row.id}.${next}`, refreshExpiresIn, ...access };
}

/** The session a refresh token names, if its secret is the current one (for RFC 7009 revocation). */
export async function sessionOfRefreshToken(deps: Deps, refreshToken: string): Promise<SessionRow | null> {
  let parsed: ReturnType<typeof parseRefreshToken>;
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
export async function revokeSession(deps: Deps, sessionId: string, reason: RevocationReason): Promise<SessionRow & { published: boolean }> {
  const now = deps.now();
  const [rows] = await batchWithEvents(
    deps,
    [repo.revokeSessionQuery(deps.db, sessionId, reason, now)],
    [
      {
        type: reason === 'oauth_revoke' ? 'token.revoked' : 'session.ended',
        userId: repo.userOfSession(sessionId),
        guard: repo.sessionRevokedGuard(sessionId, reason, now),
        details: { sessionId, reason },
      },
    ],
  );
  const [row] = rows as SessionRow[];
  if (!row) throw new AppError('SESSION_NOT_FOUND');
  const published = await publishSessionRevoked(deps, sessionId, tokenLifetimeSeconds(deps, row));
  return { ...row, published };
}

/**
 * Ends one session of this user (the console's "end" on a user's page): revokeSession, once the
 * session is found to be the user's; another user's session id is SESSION_NOT_FOUND and ends nothing.
 */
export async function revokeSessionOfUser(deps: Deps, userId: string, sessionId: string, reason: RevocationReason): Promise<void> {
  const row = await repo.findSession(deps.db, sessionId);
  if (!row || row.userId !== userId) throw new AppError('SESSION_NOT_FOUND', { field: 'session' });
  await revokeSession(deps, sessionId, reason);
}

/** Ends one session, if there is one: a session already deleted is no error (a sign-out, a replay). */
export async function revokeSessionIfAny(deps: Deps, sessionId: string, reason: RevocationReason): Promise<void> {
  await revokeSession(deps, sessionId, reason).catch((error: unknown) => {
    if (!(error instanceof AppError && error.code === 'SESSION_NOT_FOUND')) throw error;
  });
}

/** A user's sessions that can still be used, newest first. */
export function listLiveSessions(deps: Deps, userId: string): Promise<SessionRow[]> {
  return repo.listLiveSessions(deps.db, userId, deps.now());
}
