// droplit user tokens: JWTs tied to a session row of kind `user_token`, so logout, delete,
// disable and the operator's session revocation kill them like any other token.
//   FixedTtl   dies `ttl` seconds after issue (`exp`).
//   SlidingTtl dies `ttl` seconds after its last use (see edge-auth: the last use lives in KV).
//   Infinite   never dies by time.
import { signToken } from '../crypto/jwt';
import { randomId } from '../crypto/random';
import { insertSessionIfUnchangedQuery } from '../store/session-repo';
import type { UserRow } from '../store/user-repo';
import type { Deps } from './deps';

export const EXPIRY_TYPES = ['Infinite', 'FixedTtl', 'SlidingTtl'] as const;
export type ExpiryType = (typeof EXPIRY_TYPES)[number];

export const DEFAULT_USER_TOKEN_TTL_SECONDS = 3600;

/** What a user token is made from; the row may be one a batch is about to write. */
export type TokenSubject = Pick<UserRow, 'id' | 'ecosystemId' | 'uniqueId' | 'email' | 'role' | 'tokenEpoch'>;

interface PreparedUserToken {
  sessionId: string;
  /**
   * The session insert: run it alone or inside the batch that writes the user. It inserts only if
   * the user is still enabled and at the epoch read (a logout or disable in between wins); its
   * result is the inserted id, empty when it did not.
   */
  query: ReturnType<typeof insertSessionIfUnchangedQuery>;
  /** Signs the token; call it only once `query` has run. */
  sign(): Promise<string>;
}

export function prepareUserToken(
  deps: Deps,
  user: TokenSubject,
  expiryType: ExpiryType,
  ttlSeconds: number = DEFAULT_USER_TOKEN_TTL_SECONDS,
): PreparedUserToken {
  const now = deps.now();
  const issuedAt = Math.floor(now / 1000);
  const sessionId = randomId();
  const query = insertSessionIfUnchangedQuery(
    deps.db,
    {
      id: sessionId,
      userId: user.id,
      kind: 'user_token',
      rotates: false,
      secretHash: null,
      expiryType,
      ttlSeconds: expiryType === 'Infinite' ? null : ttlSeconds,
      createdAt: now,
      expiresAt: expiryType === 'FixedTtl' ? (issuedAt + ttlSeconds) * 1000 : null,
    },
    { tokenEpoch: user.tokenEpoch },
  );
  const claims = {
    sid: sessionId,
    gen: user.tokenEpoch,
    eco: user.ecosystemId,
    uid: user.uniqueId,
    email: user.email,
    role: user.role,
    ext: expiryType,
    ...(expiryType === 'Infinite' ? {} : { ttl: ttlSeconds }),
  };
  const sign = () =>
    signToken(deps.keys, claims, {
      kind: 'user',
      issuer: deps.issuer,
      audience: deps.config.audience,
      subject: user.id,
      issuedAtSeconds: issuedAt,
      expiresAtSeconds: expiryType === 'FixedTtl' ? issuedAt + ttlSeconds : undefined,
      id: sessionId,
    });
  return { sessionId, query, sign };
}
