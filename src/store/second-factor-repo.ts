// Second factors in D1: authenticator apps (totp_factors), recovery codes (hashed) and the
// sign-in challenges that sit between a right password and its code. Every spend is one
// conditional statement, so two requests with the same code cannot both take it.
import { and, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { recoveryCodes, signInChallenges, totpFactors } from './schema';

export type TotpFactorRow = typeof totpFactors.$inferSelect;
export type SignInChallengeRow = typeof signInChallenges.$inferSelect;

export function findTotpFactor(db: Db, userId: string): Promise<TotpFactorRow | undefined> {
  return db.select().from(totpFactors).where(eq(totpFactors.userId, userId)).get();
}

/** Whether the user has a second factor that is on (a confirmed authenticator app). */
export async function hasConfirmedFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .select({ userId: totpFactors.userId })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)))
    .get();
  return row !== undefined;
}

/** Holds while the user has no second factor on (a one-factor session's insert). */
export function noFactorOnGuard(userId: string): Guard {
  return sql`not exists (select 1 from ${totpFactors} where ${totpFactors.userId} = ${userId} and ${totpFactors.confirmedAt} is not null)`;
}

/** A new secret waiting for its first code; replaces a pending one, never one that is on. */
export function savePendingTotpQuery(db: Db, userId: string, sealedSecret: string, now: number) {
  return db
    .insert(totpFactors)
    .values({ userId, sealedSecret, createdAt: now })
    .onConflictDoUpdate({
      target: totpFactors.userId,
      set: { sealedSecret, createdAt: now, lastStep: -1 },
      setWhere: isNull(totpFactors.confirmedAt),
    });
}

/**
 * Takes a code's time step: only a step after the last one taken, and only for a factor in the
 * state asked (`confirming`: pending, which this turns on; else on). Empty RETURNING: refused.
 */
export function takeTotpStepQuery(db: Db, userId: string, step: number, now: number, confirming: boolean) {
  return db
    .update(totpFactors)
    .set(confirming ? { lastStep: step, confirmedAt: now } : { lastStep: step })
    .where(
      and(
        eq(totpFactors.userId, userId),
        lt(totpFactors.lastStep, step),
        confirming ? isNull(totpFactors.confirmedAt) : isNotNull(totpFactors.confirmedAt),
      ),
    )
    .returning({ userId: totpFactors.userId });
}

export function deleteTotpQuery(db: Db, userId: string) {
  return db.delete(totpFactors).where(eq(totpFactors.userId, userId)).returning({ userId: totpFactors.userId });
}

export function deleteRecoveryCodesQuery(db: Db, userId: string) {
  return db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/** Holds while the user's factor is on; with a step and time, only once that very confirmation took. */
export function factorOnGuard(userId: string, confirmation?: { step: number; at: number }): Guard {
  const confirmed = confirmation
    ? sql`${totpFactors.lastStep} = ${confirmation.step} and ${totpFactors.confirmedAt} = ${confirmation.at}`
    : sql`${totpFactors.confirmedAt} is not null`;
  return sql`exists (select 1 from ${totpFactors} where ${totpFactors.userId} = ${userId} and ${confirmed})`;
}

/** The statements that replace the user's recovery codes by these hashes, only where `guard` holds. */
export function replaceRecoveryCodesQueries(db: Db, userId: string, codeHashes: readonly string[], guard: Guard) {
  return [
    db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), guard)),
    // Every column, in the schema's order (drizzle lists them all for an INSERT ... SELECT).
    db.insert(recoveryCodes).select(sql`select ${userId}, value, null from json_each(${JSON.stringify(codeHashes)}) where ${guard}`),
  ] as const;
}

/** Spends one unused recovery code; empty RETURNING when it is unknown or spent. */
export function spendRecoveryCodeQuery(db: Db, userId: string, codeHash: string, now: number) {
  return db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
    .returning({ userId: recoveryCodes.userId });
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .select({ count: sql<number>`count(*)` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
    .get();
  return row?.count ?? 0;
}

export function insertChallengeQuery(db: Db, challenge: typeof signInChallenges.$inferInsert) {
  return db.insert(signInChallenges).values(challenge);
}

export function findLiveChallenge(db: Db, id: string, now: number): Promise<SignInChallengeRow | undefined> {
  return db
    .select()
    .from(signInChallenges)
    .where(and(eq(signInChallenges.id, id), isNull(signInChallenges.usedAt), gt(signInChallenges.expiresAt, now)))
    .get();
}

/** Ends a challenge once its code was right (or it is given up); empty RETURNING when it was already spent. */
export function spendChallengeQuery(db: Db, id: string, now: number) {
  return db
    .update(signInChallenges)
    .set({ usedAt: now })
    .where(and(eq(signInChallenges.id, id), isNull(signInChallenges.usedAt)))
    .returning({ id: signInChallenges.id });
}

/** Deletes challenges that expired or were spent before `before` (upkeep). */
export function deleteOldChallengesQuery(db: Db, before: number) {
  return db.delete(signInChallenges).where(lt(signInChallenges.expiresAt, before));
}
