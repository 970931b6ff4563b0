// Passkeys in D1: the credentials (public key, signature counter, name, last use) and the WebAuthn
// challenges of the ceremonies in flight. A challenge is spent by one conditional statement, and a
// sign-in moves the counter only forward, so two requests with the same signed answer cannot both
// take it.
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from './db';
import { passkeyChallenges, passkeys } from './schema';

export type PasskeyRow = typeof passkeys.$inferSelect;
export type PasskeyChallengeRow = typeof passkeyChallenges.$inferSelect;
export type ChallengePurpose = 'register' | 'signin';

export function insertChallengeQuery(db: Db, challenge: typeof passkeyChallenges.$inferInsert) {
  return db.insert(passkeyChallenges).values(challenge);
}

/**
 * Spends a live challenge of this purpose (and, for `register`, of this user): its row, or none
 * when it is unknown, spent, expired or another's. Spent before the answer is checked, so a signed
 * answer is checked against its challenge once at most.
 */
export function spendChallengeQuery(db: Db, id: string, purpose: ChallengePurpose, userId: string | null, now: number) {
  return db
    .update(passkeyChallenges)
    .set({ usedAt: now })
    .where(
      and(
        eq(passkeyChallenges.id, id),
        eq(passkeyChallenges.purpose, purpose),
        userId === null ? isNull(passkeyChallenges.userId) : eq(passkeyChallenges.userId, userId),
        isNull(passkeyChallenges.usedAt),
        gt(passkeyChallenges.expiresAt, now),
      ),
    )
    .returning({ challenge: passkeyChallenges.challenge });
}

export function findPasskey(db: Db, id: string): Promise<PasskeyRow | undefined> {
  return db.select().from(passkeys).where(eq(passkeys.id, id)).get();
}

/** The user's passkeys, oldest first. */
export function passkeysOf(db: Db, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id)).all();
}

export function insertPasskeyQuery(db: Db, row: typeof passkeys.$inferInsert) {
  return db.insert(passkeys).values(row).returning({ id: passkeys.id });
}

/**
 * Records a sign-in with the passkey: the new counter (the core checked it moved forward) and the
 * time, only if the counter is still the one the check read. Empty RETURNING: another sign-in
 * moved it first.
 */
export function usePasskeyQuery(db: Db, id: string, fromCounter: number, toCounter: number, now: number) {
  return db
    .update(passkeys)
    .set({ counter: toCounter, lastUsedAt: now })
    .where(and(eq(passkeys.id, id), eq(passkeys.counter, fromCounter)))
    .returning({ id: passkeys.id });
}

/** Removes one of the user's passkeys (the statement checks the owner); empty RETURNING when none. */
export function deletePasskeyQuery(db: Db, userId: string, id: string) {
  return db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id, name: passkeys.name });
}

export function deletePasskeysOfUserQuery(db: Db, userId: string) {
  return db.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id });
}
