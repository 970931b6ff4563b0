// Upkeep's SQL: bounded deletes of rows nothing can use any more. Each statement deletes at most
// UPKEEP_BATCH rows (D1 limits a statement's time), chosen in a subquery.
import { and, eq, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './db';
import { authorizationCodes, loginFailures, oneTimeCodes, outbox, sessions, spentSecrets, users } from './schema';

export const UPKEEP_BATCH = 200;

interface SessionCutoffs {
  /** Refresh sessions revoked or expired before this (their access tokens are dead too). */
  refreshEndedBefore: number;
  /** FixedTtl user tokens whose `exp` is before this. */
  fixedTtlExpiredBefore: number;
}

// No ORDER BY, and every condition an index range (revoked_at, expires_at, used_at, updated_at):
// SQLite reads those ranges, not the whole table in rowid order looking for rows that qualify.
// The sessions' three kinds of ending are three ranges, each its own limited subquery (as one OR
// the planner without statistics would rather scan).
function endedSessionIds(cutoffs: SessionCutoffs): SQL {
  const some = (where: SQL | undefined) => sql`select id from (select ${sessions.id} from ${sessions} where ${where} limit ${UPKEEP_BATCH})`;
  return sql`${some(and(eq(sessions.kind, 'refresh'), lt(sessions.revokedAt, cutoffs.refreshEndedBefore)))}
    union all ${some(and(eq(sessions.kind, 'refresh'), lt(sessions.expiresAt, cutoffs.refreshEndedBefore)))}
    union all ${some(and(eq(sessions.kind, 'user_token'), eq(sessions.expiryType, 'FixedTtl'), lt(sessions.expiresAt, cutoffs.fixedTtlExpiredBefore)))}
    limit ${UPKEEP_BATCH}`;
}

function someRows(table: SQLiteTable, where: SQL): SQL {
  return sql`select rowid from ${table} where ${where} limit ${UPKEEP_BATCH}`;
}

async function changes(result: Promise<D1Result> | Promise<unknown>): Promise<number> {
  return ((await result) as D1Result).meta?.changes ?? 0;
}

/** Deletes up to UPKEEP_BATCH ended sessions and, in the same batch, every secret they spent. */
export async function deleteEndedSessions(db: Db, cutoffs: SessionCutoffs): Promise<number> {
  const chosen = endedSessionIds(cutoffs);
  const [, deleted] = await db.batch([
    db.delete(spentSecrets).where(sql`${spentSecrets.sessionId} in (${chosen})`),
    db.delete(sessions).where(sql`${sessions.id} in (${chosen})`),
  ]);
  return (deleted as unknown as D1Result).meta?.changes ?? 0;
}

/** Whether the code is a confirmation link of a still unconfirmed user (kept until the user goes). */
const pendingUsersLink = sql`(${oneTimeCodes.purpose} = 'confirm' and exists (select 1 from ${users} where ${users.id} = ${oneTimeCodes.userId} and ${users.confirmed} = 0))`;

/**
 * Unconfirmed users whose confirmation links all expired before the cutoff (the cascade takes
 * their codes): found through the links' expiry index, never a scan of users.
 */
export function deleteExpiredPendingUsers(db: Db, before: number): Promise<number> {
  const expiredLinks = sql`select ${oneTimeCodes.userId} from ${oneTimeCodes} where ${oneTimeCodes.expiresAt} < ${before} and ${pendingUsersLink} limit ${UPKEEP_BATCH}`;
  const liveLink = sql`select 1 from ${oneTimeCodes} where ${oneTimeCodes.userId} = ${users.id} and ${oneTimeCodes.purpose} = 'confirm' and ${oneTimeCodes.expiresAt} >= ${before}`;
  return changes(db.run(sql`delete from ${users} where ${users.id} in (${expiredLinks}) and ${users.confirmed} = 0 and not exists (${liveLink})`));
}

/** Codes used or expired before the cutoff, but a pending user's links (deleteExpiredPendingUsers). */
export function deleteSpentCodes(db: Db, before: number): Promise<number> {
  const spent = or(and(isNotNull(oneTimeCodes.usedAt), lt(oneTimeCodes.usedAt, before)), lt(oneTimeCodes.expiresAt, before))!;
  const where = and(spent, sql`not ${pendingUsersLink}`)!;
  return changes(db.run(sql`delete from ${oneTimeCodes} where rowid in (${someRows(oneTimeCodes, where)})`));
}

/**
 * OAuth authorization codes that expired before the cutoff. The caller keeps them as long as a
 * session their exchange started can live, so a replay is still recognised (and revokes it).
 */
export function deleteExpiredAuthorizationCodes(db: Db, before: number): Promise<number> {
  return changes(db.run(sql`delete from ${authorizationCodes} where rowid in (${someRows(authorizationCodes, lt(authorizationCodes.expiresAt, before))})`));
}

/** Login-failure counters whose lock has passed and which nothing touched since `staleBefore`. */
export function deleteStaleLoginFailures(db: Db, now: number, staleBefore: number): Promise<number> {
  const where = and(lte(loginFailures.lockedUntil, now), lt(loginFailures.updatedAt, staleBefore))!;
  return changes(db.run(sql`delete from ${loginFailures} where rowid in (${someRows(loginFailures, where)})`));
}

/** Mail delivered before the cutoff. */
export function deleteDeliveredMail(db: Db, sentBefore: number): Promise<number> {
  const where = and(eq(outbox.status, 'sent'), lt(outbox.sentAt, sentBefore))!;
  return changes(db.run(sql`delete from ${outbox} where rowid in (${someRows(outbox, where)})`));
}
