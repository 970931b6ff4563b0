// Upkeep's SQL: rounds of bounded deletes of rows nothing can use any more, and a bounded count of
// what is left. Each round is one D1 call of statements that each delete at most a batch of rows
// chosen in a subquery (D1 limits a statement's time; the subquery keeps the bound values few,
// far under D1's 100 per statement, whatever the batch size).
import { and, eq, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './db';
import {
  authorizationCodes,
  clientAssertionIds,
  deviceAuthorizations,
  events,
  loginFailures,
  oneTimeCodes,
  outbox,
  passkeyChallenges,
  sessions,
  signInChallenges,
  spentSecrets,
  users,
} from './schema';

/** Rows (sessions, codes, counters, mail) one round deletes of one kind at most. */
export const UPKEEP_BATCH_ROWS = 1_000;
/** Spent secrets one round deletes at most (a long-lived rotating session may have spent thousands). */
export const UPKEEP_SPENT_SECRETS_BATCH = 5_000;

export interface UpkeepCutoffs {
  now: number;
  /** Refresh sessions revoked or expired before this (their access tokens are dead too). */
  refreshEndedBefore: number;
  /** FixedTtl user tokens whose `exp` is before this. */
  fixedTtlExpiredBefore: number;
  /** One-time codes used or expired before this; also unconfirmed users whose every link expired before it. */
  codesEndedBefore: number;
  /** OAuth authorization codes expired before this. */
  authorizationCodesExpiredBefore: number;
  /** Login-failure counters untouched since this (and no longer locking). */
  loginFailuresStaleBefore: number;
  /** Mail delivered before this. */
  mailSentBefore: number;
  /** Events recorded before this (EVENT_RETENTION_DAYS); absent: none is old enough. */
  eventsBefore?: number;
}

export interface UpkeepRound {
  /** Rows of the kind this round deleted. */
  deleted: number;
  /** Whether a full batch went, so more may be waiting. */
  more: boolean;
  /** For sessions: the spent secrets deleted with them. */
  spentSecrets?: number;
}

// No ORDER BY, and every condition an index range (sessions_kind_revoked, sessions_kind_expires,
// one_time_codes_used/_expires, login_failures_updated, outbox_sent, authorization_codes_expires):
// SQLite reads those ranges, not the whole table in rowid order looking for rows that qualify.
// The sessions' three kinds of ending are three ranges, each its own limited subquery (as one OR
// the planner without statistics would rather scan), joined by UNION: a session both revoked and
// expired shows in two of them, and a duplicate would make a full round look short (UNION ALL
// could then end the rounds with rows left).
function endedSessionIds(c: UpkeepCutoffs, limit: number): SQL {
  const some = (where: SQL | undefined) => sql`select id from (select ${sessions.id} from ${sessions} where ${where} limit ${limit})`;
  return sql`${some(and(eq(sessions.kind, 'refresh'), lt(sessions.revokedAt, c.refreshEndedBefore)))}
    union ${some(and(eq(sessions.kind, 'refresh'), lt(sessions.expiresAt, c.refreshEndedBefore)))}
    union ${some(and(eq(sessions.kind, 'user_token'), lt(sessions.expiresAt, c.fixedTtlExpiredBefore), eq(sessions.expiryType, 'FixedTtl')))}
    limit ${limit}`;
}

const changes = (result: unknown): number => (result as D1Result).meta?.changes ?? 0;

/**
 * Up to UPKEEP_BATCH_ROWS ended sessions, in one batch: first up to UPKEEP_SPENT_SECRETS_BATCH of
 * the secrets those sessions spent, then those of the sessions with none left (a session whose
 * secrets did not all fit waits for the next round; its row is still ended, so nothing can use it).
 * Both statements choose the same sessions: the first changes no session, and the plan is fixed.
 */
async function deleteEndedSessions(db: Db, c: UpkeepCutoffs): Promise<UpkeepRound> {
  const chosen = endedSessionIds(c, UPKEEP_BATCH_ROWS);
  const [spent, ended] = await db.batch([
    db
      .delete(spentSecrets)
      .where(
        sql`rowid in (select rowid from ${spentSecrets} where ${spentSecrets.sessionId} in (${chosen}) limit ${UPKEEP_SPENT_SECRETS_BATCH})`,
      ),
    db
      .delete(sessions)
      .where(
        sql`${sessions.id} in (${chosen}) and not exists (select 1 from ${spentSecrets} where ${spentSecrets.sessionId} = ${sessions.id})`,
      ),
  ]);
  const deleted = changes(ended);
  const spentSecretsDeleted = changes(spent);
  return {
    deleted,
    spentSecrets: spentSecretsDeleted,
    more: deleted === UPKEEP_BATCH_ROWS || spentSecretsDeleted === UPKEEP_SPENT_SECRETS_BATCH,
  };
}

/** Whether the code is a confirmation link of a still unconfirmed user (kept until the user goes). */
const pendingUsersLink = sql`(${oneTimeCodes.purpose} = 'confirm' and exists (select 1 from ${users} where ${users.id} = ${oneTimeCodes.userId} and ${users.confirmed} = 0))`;

/** Up to `limit` unconfirmed users with a confirmation link that expired before the cutoff (through the links' expiry index). */
function pendingUsersWithExpiredLinks(c: UpkeepCutoffs, limit: number): SQL {
  return sql`select ${oneTimeCodes.userId} from ${oneTimeCodes} where ${oneTimeCodes.expiresAt} < ${c.codesEndedBefore} and ${pendingUsersLink} limit ${limit}`;
}

/** Whether the user (of the statement's `users` row) still has a confirmation link alive at the cutoff. */
const hasLiveLink = (c: UpkeepCutoffs) =>
  sql`exists (select 1 from ${oneTimeCodes} where ${oneTimeCodes.userId} = ${users.id} and ${oneTimeCodes.purpose} = 'confirm' and ${oneTimeCodes.expiresAt} >= ${c.codesEndedBefore})`;

/**
 * Unconfirmed users whose confirmation links all expired before the cutoff (the cascade takes
 * their codes): found through the links' expiry index, never a scan of users. The live-link check
 * runs once per chosen user, not per link.
 */
async function deleteExpiredPendingUsers(db: Db, c: UpkeepCutoffs): Promise<UpkeepRound> {
  const chosen = pendingUsersWithExpiredLinks(c, UPKEEP_BATCH_ROWS);
  const deleted = changes(
    await db.run(sql`delete from ${users} where ${users.id} in (${chosen}) and ${users.confirmed} = 0 and not ${hasLiveLink(c)}`),
  );
  return { deleted, more: deleted === UPKEEP_BATCH_ROWS };
}

/** The rows of a table-shaped kind that upkeep deletes: one condition, an index range. */
const ranges = {
  // A pending user's links go with the user (deleteExpiredPendingUsers), not before it.
  codes: (c: UpkeepCutoffs) => ({
    table: oneTimeCodes,
    where: and(
      or(and(isNotNull(oneTimeCodes.usedAt), lt(oneTimeCodes.usedAt, c.codesEndedBefore)), lt(oneTimeCodes.expiresAt, c.codesEndedBefore)),
      sql`not ${pendingUsersLink}`,
    )!,
  }),
  // Kept as long as a session their exchange started can live, so a replay is still recognised.
  authorizationCodes: (c: UpkeepCutoffs) => ({
    table: authorizationCodes,
    where: lt(authorizationCodes.expiresAt, c.authorizationCodesExpiredBefore),
  }),
  // A device code lives 10 minutes; kept for a day after, like other codes (index device_authorizations_expires).
  deviceAuthorizations: (c: UpkeepCutoffs) => ({
    table: deviceAuthorizations,
    where: lt(deviceAuthorizations.expiresAt, c.codesEndedBefore),
  }),
  // An assertion's jti is kept until the assertion expires: after that its exp refuses it anyway.
  clientAssertionIds: (c: UpkeepCutoffs) => ({
    table: clientAssertionIds,
    where: lt(clientAssertionIds.expiresAt, c.fixedTtlExpiredBefore),
  }),
  // A challenge lives 5 minutes; kept for a day after, like other codes (index sign_in_challenges_expires).
  signInChallenges: (c: UpkeepCutoffs) => ({ table: signInChallenges, where: lt(signInChallenges.expiresAt, c.codesEndedBefore) }),
  // The same for the WebAuthn ceremonies' challenges (index passkey_challenges_expires).
  passkeyChallenges: (c: UpkeepCutoffs) => ({ table: passkeyChallenges, where: lt(passkeyChallenges.expiresAt, c.codesEndedBefore) }),
  loginFailures: (c: UpkeepCutoffs) => ({
    table: loginFailures,
    where: and(lte(loginFailures.lockedUntil, c.now), lt(loginFailures.updatedAt, c.loginFailuresStaleBefore))!,
  }),
  mail: (c: UpkeepCutoffs) => ({ table: outbox, where: and(eq(outbox.status, 'sent'), lt(outbox.sentAt, c.mailSentBefore))! }),
  // A range of events_at, oldest first in index order.
  events: (c: UpkeepCutoffs) => ({ table: events, where: lt(events.at, c.eventsBefore ?? 0) }),
} satisfies Record<string, (c: UpkeepCutoffs) => { table: SQLiteTable; where: SQL }>;

function someRows(table: SQLiteTable, where: SQL, limit: number): SQL {
  return sql`select rowid from ${table} where ${where} limit ${limit}`;
}

function deleteRange(kind: keyof typeof ranges) {
  return async (db: Db, c: UpkeepCutoffs): Promise<UpkeepRound> => {
    const { table, where } = ranges[kind](c);
    const deleted = changes(await db.run(sql`delete from ${table} where rowid in (${someRows(table, where, UPKEEP_BATCH_ROWS)})`));
    return { deleted, more: deleted === UPKEEP_BATCH_ROWS };
  };
}

export type UpkeepKind = 'sessions' | 'pendingUsers' | keyof typeof ranges;

/** What upkeep deletes, in the order a run takes its rounds: one round of each kind, again and again. */
export const UPKEEP_KINDS: readonly UpkeepKind[] = [
  'sessions',
  'pendingUsers',
  'codes',
  'authorizationCodes',
  'deviceAuthorizations',
  'clientAssertionIds',
  'signInChallenges',
  'passkeyChallenges',
  'loginFailures',
  'mail',
  'events',
];

/** One round of one kind. */
export function deleteRound(db: Db, kind: UpkeepKind, cutoffs: UpkeepCutoffs): Promise<UpkeepRound> {
  if (kind === 'sessions') return deleteEndedSessions(db, cutoffs);
  if (kind === 'pendingUsers') return deleteExpiredPendingUsers(db, cutoffs);
  return deleteRange(kind)(db, cutoffs);
}

/** How many rows of the kind upkeep would still delete, counted up to `limit` (a read of at most that many index entries). */
export async function countBacklog(db: Db, kind: UpkeepKind, cutoffs: UpkeepCutoffs, limit: number): Promise<number> {
  let rows: SQL;
  if (kind === 'sessions') rows = endedSessionIds(cutoffs, limit);
  else if (kind === 'pendingUsers')
    rows = sql`select ${users.id} from ${users} where ${users.id} in (${pendingUsersWithExpiredLinks(cutoffs, limit)}) and not ${hasLiveLink(cutoffs)}`;
  else {
    const { table, where } = ranges[kind](cutoffs);
    rows = someRows(table, where, limit);
  }
  const row = await db.get<{ n: number }>(sql`select count(*) as n from (${rows})`);
  return row?.n ?? 0;
}
