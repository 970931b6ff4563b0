// The one verification of a bearer token, used by every face, the gateway and GET /auth/verify.
// A token seen before in this isolate is found by its SHA-256 and costs map lookups; a new one
// costs a signature check. Revocation (the user's token epoch, the session's revoked mark) and
// sliding-TTL state come from KV through the isolate's recheck cache: a revocation made here takes
// effect at once, one made elsewhere within EDGE_RECHECK_SECONDS plus KV's propagation time.
// `strict` asks D1 instead, for routes that cannot accept that delay.
import { sha256Hex } from '../crypto/digest';
import { bearerKindOf, TokenVerificationError, verifyToken, type Claims, type TokenKind } from '../crypto/jwt';
import { kvKeys, kvTtl } from '../store/kv';
import { sessionRevokedAt } from '../store/session-repo';
import { findUserStanding } from '../store/user-repo';
import type { Deps } from './deps';
import { edgeReadOrUnknown } from './edge-read';
import type { CachedToken } from './edge-state';
import { AppError } from './errors';
import { EXPIRY_TYPES, type ExpiryType } from './user-tokens';
import { permissionLevelOf } from './users';

const MAX_TOKEN_LENGTH = 8192;
const MIN_SLIDING_WRITE_INTERVAL_MS = 1000;

export interface Identity {
  kind: Exclude<TokenKind, 'assertion' | 'id'>;
  userId: string;
  ecosystemId: string;
  sessionId: string;
  email: string | null;
  username: string | null;
  role: string;
  permissionLevel: number;
  /** Seconds. */
  issuedAt: number;
  /** The token epoch it was issued under (`gen`, required); revoked once the user's is higher. */
  epoch: number;
  /** Seconds; null for tokens that do not expire by time. */
  expiresAt: number | null;
  expiryType: ExpiryType | null;
  ttlSeconds: number | null;
  claims: Claims;
}

function kindOf(token: string): Exclude<TokenKind, 'assertion' | 'id'> {
  const kind = bearerKindOf(token);
  if (!kind) throw new AppError('INVALID_TOKEN');
  return kind;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function identityOf(kind: Identity['kind'], claims: Claims): Identity {
  const sessionId = text(claims.sid);
  const ecosystemId = text(claims.eco);
  const role = text(claims.role) ?? 'user';
  const expiryType = kind === 'user' ? (text(claims.ext) as ExpiryType | null) : null;
  const ttlSeconds = typeof claims.ttl === 'number' ? claims.ttl : null;
  if (!claims.sub || !sessionId || !ecosystemId || typeof claims.iat !== 'number') throw new AppError('INVALID_TOKEN');
  // Every token carries its session's epoch; one without (from before epochs) is not trusted, so the
  // KV and D1 checks cannot disagree about it.
  const epoch = claims.gen;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) throw new AppError('INVALID_TOKEN');
  if (kind === 'user') {
    if (!expiryType || !EXPIRY_TYPES.includes(expiryType)) throw new AppError('INVALID_TOKEN');
    if (expiryType === 'FixedTtl' && claims.exp === undefined) throw new AppError('INVALID_TOKEN');
    if (expiryType === 'SlidingTtl' && (ttlSeconds === null || ttlSeconds <= 0)) throw new AppError('INVALID_TOKEN');
  }
  return {
    kind,
    userId: claims.sub,
    ecosystemId,
    sessionId,
    email: text(claims.email),
    username: text(claims.preferred_username),
    role,
    permissionLevel: permissionLevelOf(role),
    issuedAt: claims.iat,
    epoch,
    expiresAt: claims.exp ?? null,
    expiryType,
    ttlSeconds,
    claims,
  };
}

async function verifySignature(deps: Deps, token: string): Promise<Identity> {
  const kind = kindOf(token);
  try {
    const claims = await verifyToken(deps.keys, token, {
      kind,
      issuer: deps.issuer,
      audience: deps.config.audience,
      requireExpiry: kind === 'access',
      nowSeconds: Math.floor(deps.now() / 1000),
    });
    return identityOf(kind, claims);
  } catch (error) {
    if (error instanceof TokenVerificationError) {
      throw new AppError(error.reason === 'expired' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
    }
    throw error;
  }
}

/**
 * Throws TOKEN_REVOKED, or returns the time until which this verdict may be reused. When KV cannot
 * be read, D1 answers instead (checkRevocationStrictly) and the verdict is not reused.
 */
async function checkRevocation(deps: Deps, identity: Identity): Promise<number> {
  const [epoch, revoked] = await Promise.all([
    edgeReadOrUnknown(deps, kvKeys.tokenEpoch(identity.userId)),
    edgeReadOrUnknown(deps, kvKeys.revokedSession(identity.sessionId)),
  ]);
  if (!epoch || !revoked) {
    await checkRevocationStrictly(deps, identity);
    return 0;
  }
  const userEpoch = deps.edge.rememberEpoch(identity.userId, Number(epoch.value ?? 0) || 0);
  if (revoked.value !== null || identity.epoch < userEpoch) throw new AppError('TOKEN_REVOKED');
  return Math.min(epoch.readAt, revoked.readAt) + deps.config.edgeRecheckSeconds * 1000;
}

/** The same rule as checkRevocation, read from D1: the user's epoch, their disabled flag, the session. */
export async function checkRevocationStrictly(deps: Deps, identity: Identity): Promise<void> {
  const [user, revokedAt] = await Promise.all([findUserStanding(deps.db, identity.userId), sessionRevokedAt(deps.db, identity.sessionId)]);
  if (user) deps.edge.rememberEpoch(identity.userId, user.tokenEpoch);
  if (!user || user.disabled || identity.epoch < user.tokenEpoch || revokedAt !== null) {
    throw new AppError('TOKEN_REVOKED');
  }
}

/**
 * Keeps a SlidingTtl token alive. Its last use is written to KV only when the last write is older
 * than a tenth of the TTL (and never twice a second), so a busy token writes at most ten times a
 * TTL and never hits KV's one-write-a-second limit. This isolate remembers every use it saw, so
 * here the token lives exactly `ttl` past its last use; another isolate sees only the last write
 * and may end it up to a tenth of the TTL early.
 */
async function touchSlidingToken(deps: Deps, identity: Identity): Promise<void> {
  const sessionId = identity.sessionId;
  const key = kvKeys.slidingLastUse(sessionId);
  const ttlMs = identity.ttlSeconds! * 1000;
  // The last use lives only in KV: unreadable, this isolate's own memory may still show the token
  // alive; otherwise the answer is 503, never "expired" for a token that may be live.
  const read = await edgeReadOrUnknown(deps, key);
  const stored = Number(read?.value ?? 0);
  const now = deps.now();
  const written = Math.max(stored, deps.edge.slidingWrites.get(sessionId) ?? 0, identity.issuedAt * 1000);
  let lastUse = Math.max(written, deps.edge.slidingUses.get(sessionId) ?? 0);
  if (now - lastUse > ttlMs) {
    if (!read) throw new AppError('TEMPORARILY_UNAVAILABLE');
    // Another isolate may have recorded a later use: look at KV itself before refusing.
    const fresh = await edgeReadOrUnknown(deps, key, { fresh: true });
    if (!fresh) throw new AppError('TEMPORARILY_UNAVAILABLE');
    lastUse = Math.max(Number(fresh.value ?? 0), lastUse);
    if (now - lastUse > ttlMs) throw new AppError('TOKEN_EXPIRED');
  }
  const due = now - written >= Math.max(ttlMs / 10, MIN_SLIDING_WRITE_INTERVAL_MS);
  deps.edge.rememberSlidingUse(sessionId, now, due);
  if (!due) return;
  deps.edge.rememberValue(key, String(now), now);
  const expirationTtl = kvTtl(identity.ttlSeconds! * 1.1);
  deps.defer('sliding_write', () =>
    deps.kv.put(key, String(now), { expirationTtl }).catch((error: unknown) => {
      // The use still counts here; KV only learns of it at the next write.
      deps.log.error('sliding_write_failed', { error: String(error) });
    }),
  );
}

export interface AuthenticateOptions {
  /** Check revocation against D1 instead of KV (no propagation delay, one more round trip). */
  strict?: boolean;
}

/**
 * The identity a bearer token proves, or AppError INVALID_TOKEN / TOKEN_EXPIRED / TOKEN_REVOKED.
 * A token verified here before, whose revocation verdict is younger than the recheck time and
 * older than no revocation made here, costs a hash and a map lookup.
 */
export async function authenticateBearer(deps: Deps, token: string, options: AuthenticateOptions = {}): Promise<Identity> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new AppError('INVALID_TOKEN');
  const hash = sha256Hex(token);
  const cached = deps.edge.tokens.get(hash) as CachedToken<Identity> | undefined;
  const identity = cached?.identity ?? (await verifySignature(deps, token));
  try {
    const now = deps.now();
    if (identity.expiresAt !== null && now >= identity.expiresAt * 1000) throw new AppError('TOKEN_EXPIRED');
    const verdictStands = cached && !options.strict && now < cached.checkedUntil && cached.revocations === deps.edge.revocations;
    if (!verdictStands) {
      const revocations = deps.edge.revocations;
      const checkedUntil = options.strict ? 0 : await checkRevocation(deps, identity);
      if (options.strict) await checkRevocationStrictly(deps, identity);
      deps.edge.rememberToken(hash, { identity, checkedUntil, revocations });
    }
    if (identity.expiryType === 'SlidingTtl') await touchSlidingToken(deps, identity);
  } catch (error) {
    deps.edge.tokens.delete(hash);
    throw error;
  }
  // Whoever holds a good token acts in this request (changes.ts); an admin's role is the token's.
  deps.actor = identity.role === 'admin' ? { kind: 'admin', userId: identity.userId } : { kind: 'user', userId: identity.userId };
  return identity;
}
