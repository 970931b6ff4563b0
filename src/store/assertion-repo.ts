// The `jti` of each client assertion seen (private_key_jwt), kept until the assertion expires: one
// INSERT that does nothing on a second sight, so two requests with the same assertion cannot both pass.
import type { Db } from './db';
import { clientAssertionIds } from './schema';

/** Records the jti; RETURNING it only the first time (empty: a replay). */
export function recordAssertionId(db: Db, clientId: string, jti: string, expiresAt: number) {
  return db
    .insert(clientAssertionIds)
    .values({ clientId, jti, expiresAt })
    .onConflictDoNothing()
    .returning({ jti: clientAssertionIds.jti });
}
