// One-time codes in D1 (table one_time_codes): issuing, finding by hash, and the spend that stamps
// a code with a nonce so the rest of its batch runs only where that stamp is present.
import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { oneTimeCodes } from './schema';

interface NewCode {
  id: string;
  userId: string;
  purpose: string;
  codeHash: string;
  expiresAt: number;
  createdAt: number;
  sentTo: string;
}

export interface CodeRecord {
  id: string;
  userId: string;
  usedAt: number | null;
  expiresAt: number;
  /** The e-mail key it was mailed to (null for codes issued before that was recorded). */
  sentTo: string | null;
}

export function insertCodeQuery(db: Db, code: NewCode) {
  return db.insert(oneTimeCodes).values(code);
}

/** The code's record whatever its state, or undefined when no such code was ever issued. */
export function findCodeByHash(db: Db, codeHash: string, purpose: string): Promise<CodeRecord | undefined> {
  return db
    .select({
      id: oneTimeCodes.id,
      userId: oneTimeCodes.userId,
      usedAt: oneTimeCodes.usedAt,
      expiresAt: oneTimeCodes.expiresAt,
      sentTo: oneTimeCodes.sentTo,
    })
    .from(oneTimeCodes)
    .where(and(eq(oneTimeCodes.codeHash, codeHash), eq(oneTimeCodes.purpose, purpose)))
    .get();
}

/**
 * The statement that spends a live code, stamping it with `nonce` (RETURNING its id: empty when
 * the code was spent or had expired), and the guard that holds only once that stamp is there.
 */
export function spendCodeQuery(db: Db, id: string, nonce: string, now: number) {
  const guard: Guard = sql`exists (select 1 from ${oneTimeCodes} where ${oneTimeCodes.id} = ${id} and ${oneTimeCodes.spentBy} = ${nonce})`;
  const spend = db
    .update(oneTimeCodes)
    .set({ usedAt: now, spentBy: nonce })
    .where(and(eq(oneTimeCodes.id, id), isNull(oneTimeCodes.usedAt), gt(oneTimeCodes.expiresAt, now)))
    .returning({ id: oneTimeCodes.id });
  return { spend, guard };
}

/** Spends every open code of the user for `purpose` at once: links mailed before this are dead. */
/**
 * Issues a code to whichever user `userIds` (a subquery) yields when the statement runs: one row
 * per id, none when it yields none.
 */
export function insertCodeForQuery(db: Db, code: Omit<NewCode, 'userId'>, userIds: SQL) {
  // Every column, in the schema's order (drizzle lists them all for an INSERT ... SELECT).
  return db
    .insert(oneTimeCodes)
    .select(
      sql`select ${code.id}, ids.id, ${code.purpose}, ${code.codeHash}, ${code.expiresAt}, null, null, ${code.createdAt}, ${code.sentTo} from (${userIds}) ids`,
    );
}

/** voidCodesQuery for whichever users `userIds` (a subquery) yields when the statement runs. */
export function voidCodesOfQuery(db: Db, userIds: SQL, purpose: string, now: number) {
  return db
    .update(oneTimeCodes)
    .set({ usedAt: now })
    .where(and(sql`${oneTimeCodes.userId} in (${userIds})`, eq(oneTimeCodes.purpose, purpose), isNull(oneTimeCodes.usedAt)));
}

export function voidCodesQuery(db: Db, userId: string, purpose: string, now: number) {
  return db
    .update(oneTimeCodes)
    .set({ usedAt: now })
    .where(and(eq(oneTimeCodes.userId, userId), eq(oneTimeCodes.purpose, purpose), isNull(oneTimeCodes.usedAt)));
}
