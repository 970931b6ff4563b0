// Revocation, made visible at the edge. D1 records it first (the truth, used by strict checks);
// then KV (read by every isolate, so it spreads within KV's propagation time, about a minute);
// then this isolate's memory, so it takes effect here at once.
import { and, eq, isNull } from 'drizzle-orm';
import { kvKeys, kvTtl } from '../store/kv';
import { sessions, users } from '../store/schema';
import type { Deps } from './deps';

async function publish(deps: Deps, key: string, value: string, ttlSeconds: number | null): Promise<void> {
  deps.edge.rememberRevocation(key, value, deps.now());
  try {
    await deps.kv.put(key, value, ttlSeconds === null ? undefined : { expirationTtl: kvTtl(ttlSeconds) });
  } catch (error) {
    // D1 already holds the revocation; strict checks see it. Retry once in the background.
    deps.log.error('revocation_publish_failed', { key: key.split(':')[0], error: String(error) });
    deps.waitUntil(deps.kv.put(key, value, ttlSeconds === null ? undefined : { expirationTtl: kvTtl(ttlSeconds) }));
  }
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
      deps.db
        .update(sessions)
        .set({ revokedAt: now, revokedReason: reason })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    ]);
  }
  await publishUserNotBefore(deps, userId, now);
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

/** Publishes a user's environment grants for the edge. */
export async function publishGrants(deps: Deps, userId: string, environmentIds: string[]): Promise<void> {
  await publish(deps, kvKeys.grants(userId), JSON.stringify(environmentIds), null);
}
