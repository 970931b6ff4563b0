// Revocation, made visible at the edge. D1 records it first (the truth, used by strict checks);
// then KV (read by every isolate, so it spreads within KV's propagation time, about a minute);
// then this isolate's memory, so it takes effect here at once.
import { and, eq, isNull } from 'drizzle-orm';
import { kvKeys, kvTtl } from '../store/kv';
import { sessions, users } from '../store/schema';
import type { Deps } from './deps';

const PUBLISH_ATTEMPTS = 3;
const GRANTS_TTL_SECONDS = 86_400;

/**
 * Writes a revocation (or grants) to KV, trying up to three times; the later tries run after the
 * response. If KV refuses them all, D1 still holds the truth (strict checks and this isolate see
 * it) and the failure is logged for the operator; other isolates miss it until it is written again.
 */
async function publish(deps: Deps, key: string, value: string, ttlSeconds: number | null): Promise<void> {
  deps.edge.rememberRevocation(key, value, deps.now());
  const options = ttlSeconds === null ? undefined : { expirationTtl: kvTtl(ttlSeconds) };
  const attempt = async (tries: number): Promise<void> => {
    try {
      await deps.kv.put(key, value, options);
    } catch (error) {
      deps.log.error('revocation_publish_failed', { key: key.split(':')[0], tries, error: String(error) });
      if (tries < PUBLISH_ATTEMPTS) deps.waitUntil(attempt(tries + 1));
    }
  };
  await attempt(1);
}

/** Ends every session and token of a user (logout everywhere, reset, disable, delete). */
export async function revokeAllTokensForUser(
  deps: Deps,
  userId: string,
  reason: string,
  options: { userGone?: boolean } = {},
): Promise<void> {
  const now = deps.now();
  if (!options.userGone) {
    await deps.db.batch([
      deps.db.update(users).set({ notBefore: now }).where(eq(users.id, userId)),
      endSessionsQuery(deps, userId, reason, now),
    ]);
  }
  await publishUserNotBefore(deps, userId, now);
}

/** The statement that marks every live session of a user revoked. */
export function endSessionsQuery(deps: Deps, userId: string, reason: string, now: number) {
  return deps.db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Publishes a user's not-before time (already written to D1) to KV and this isolate. */
export async function publishUserNotBefore(deps: Deps, userId: string, at: number): Promise<void> {
  await publish(deps, kvKeys.notBefore(userId), String(at), null);
}

/**
 * Marks one session revoked in KV and here. `ttlSeconds` is how long a token carrying its id
 * could still live (null: forever, for Infinite and SlidingTtl user tokens).
 */
export async function publishSessionRevoked(deps: Deps, sessionId: string, ttlSeconds: number | null): Promise<void> {
  await publish(deps, kvKeys.revokedSession(sessionId), '1', ttlSeconds);
}

/**
 * Publishes a user's environment grants (as D1 holds them after the change) for the edge. They
 * expire after a day, after which the edge reads D1 again: a publication that two concurrent
 * changes made out of order heals by itself.
 */
export async function publishGrants(deps: Deps, userId: string, environmentIds: string[]): Promise<void> {
  await publish(deps, kvKeys.grants(userId), JSON.stringify(environmentIds), GRANTS_TTL_SECONDS);
}
