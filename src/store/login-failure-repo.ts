// Failed-login counters in D1 (table login_failures), one row per key. A login attempt is counted
// against two keys in one batch (one transaction): the client's key (identifier as typed, plus the
// client address) and the account's key (the account, or the identifier when it names none).
// The statements only ever count an attempt that neither key refuses; the read at the end tells
// the core whether this attempt's mark is on both rows (counted) or not (refused by a lock).
import { and, eq, getTableColumns, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard, Statement } from './db';
import { loginFailures } from './schema';

interface AttemptCount {
  clientKey: string;
  accountKey: string;
  /** Unique to this attempt: left on every row that counted it. */
  mark: string;
  now: number;
  /** Consecutive failures from one client before that client is locked out of the account. */
  clientThreshold: number;
  /** The client's first lock; each further failure doubles it, up to maxLockMs. */
  firstLockMs: number;
  maxLockMs: number;
  /** Consecutive failures from all clients together before the account is locked for everyone. */
  accountCeiling: number;
  accountLockMs: number;
}

interface FailureRow {
  key: string;
  attemptNonce: string | null;
  lockedUntil: number;
}

const f = loginFailures;

/** The row's values when this attempt counts on it (a row locked at `now` keeps its own). */
function countedSet(now: number, mark: string, lockedUntil: SQL) {
  const locked = sql`${f.lockedUntil} > ${now}`;
  return {
    failures: sql`case when ${locked} then ${f.failures} else ${f.failures} + 1 end`,
    lockedUntil: sql`case when ${locked} then ${f.lockedUntil} ${lockedUntil} else ${f.lockedUntil} end`,
    attemptNonce: sql`case when ${locked} then ${f.attemptNonce} else ${mark} end`,
    updatedAt: now,
  };
}

/** INSERT ... SELECT of a new row, only where `condition` holds (an upsert updates otherwise). */
function newRowWhere(key: string, lockedUntil: SQL, mark: string, now: number, condition: SQL) {
  // The SELECT names every column of the table in its order.
  const values: Record<keyof typeof f.$inferSelect, SQL> = {
    key: sql`${key}`,
    failures: sql`1`,
    lockedUntil,
    attemptNonce: sql`${mark}`,
    updatedAt: sql`${now}`,
  };
  const columns = Object.keys(getTableColumns(f)) as (keyof typeof values)[];
  return sql`select ${sql.join(
    columns.map((column) => values[column]),
    sql`, `,
  )} where ${condition}`;
}

/** The client's row counts the attempt unless the client or the account is locked. */
function countClientQuery(db: Db, a: AttemptCount) {
  const lockedAccount = sql`exists (select 1 from ${f} where ${f.key} = ${a.accountKey} and ${f.lockedUntil} > ${a.now})`;
  // The n-th consecutive failure from n = threshold on locks for firstLock * 2^(n - threshold), capped.
  const lock = sql`when ${f.failures} + 1 >= ${a.clientThreshold} then ${a.now} + min(${a.firstLockMs} * (1 << min(${f.failures} + 1 - ${a.clientThreshold}, 30)), ${a.maxLockMs})`;
  return db
    .insert(f)
    .select(newRowWhere(a.clientKey, sql`0`, a.mark, a.now, sql`not ${lockedAccount}`))
    .onConflictDoUpdate({ target: f.key, set: countedSet(a.now, a.mark, lock) });
}

/** The account's row counts the attempt only if the client's row just did (it holds this mark). */
function countAccountQuery(db: Db, a: AttemptCount) {
  const clientCounted = sql`exists (select 1 from ${f} where ${f.key} = ${a.clientKey} and ${f.attemptNonce} = ${a.mark})`;
  const firstLock = sql`case when 1 >= ${a.accountCeiling} then ${a.now} + ${a.accountLockMs} else 0 end`;
  const lock = sql`when ${f.failures} + 1 >= ${a.accountCeiling} then ${a.now} + ${a.accountLockMs}`;
  return db
    .insert(f)
    .select(newRowWhere(a.accountKey, firstLock, a.mark, a.now, clientCounted))
    .onConflictDoUpdate({ target: f.key, set: countedSet(a.now, a.mark, lock) });
}

/**
 * Counts one attempt in one D1 batch (one transaction): the client's row unless the client or the
 * account is locked, the account's row only if the client's row counted, then reads both rows.
 */
export async function countAttempt(db: Db, a: AttemptCount, also: Statement[] = []): Promise<{ read: FailureRow[]; also: unknown[] }> {
  const [, , read, ...rest] = await db.batch([
    countClientQuery(db, a),
    countAccountQuery(db, a),
    db
      .select({ key: f.key, attemptNonce: f.attemptNonce, lockedUntil: f.lockedUntil })
      .from(f)
      .where(inArray(f.key, [a.clientKey, a.accountKey])),
    ...also,
  ]);
  return { read, also: rest };
}

/** A guard for statements of `countAttempt`'s batch: the attempt marked `mark` was counted (not refused by a lock). */
export function attemptCountedGuard(clientKey: string, mark: string): Guard {
  return sql`exists (select 1 from ${f} where ${f.key} = ${clientKey} and ${f.attemptNonce} = ${mark})`;
}

/** A guard for statements of `countAttempt`'s batch: counting the attempt marked `mark` started a lock of one of the keys. */
export function lockStartedGuard(keys: string[], mark: string, now: number): Guard {
  return sql`exists (select 1 from ${f} where ${inArray(f.key, keys)} and ${f.attemptNonce} = ${mark} and ${f.lockedUntil} > ${now})`;
}

/**
 * How long the lock that counting the attempt marked `mark` started lasts, in words ("1 minute",
 * "5 minutes": whole minutes, at least one), as a scalar subquery for a statement of
 * `countAttempt`'s batch (null when it started none).
 */
export function lockDurationOf(keys: string[], mark: string, now: number): SQL {
  const minutes = sql`cast(max(1, round((max(${f.lockedUntil}) - ${now}) / 60000.0)) as integer)`;
  return sql`(select ${minutes} || case ${minutes} when 1 then ' minute' else ' minutes' end from ${f}
    where ${inArray(f.key, keys)} and ${f.attemptNonce} = ${mark} and ${f.lockedUntil} > ${now})`;
}

/** The failure rows of these keys, as they are (a sign-in's look before it checks the password). */
export function readFailures(db: Db, keys: string[]): Promise<{ key: string; lockedUntil: number }[]> {
  return db.select({ key: f.key, lockedUntil: f.lockedUntil }).from(f).where(inArray(f.key, keys)).all();
}

/**
 * The failure rows a sign-in may need before it knows its user, in the batch that looks the user
 * up: those of `unknownKeys` (the identifier's own, when it names no one) and, for every user id
 * `userIds` yields, its account key (`accountPrefix` + id) and this client's key on it
 * (clientKeyPrefix of the account key + `clientSuffix`).
 */
export function failuresOfSignInQuery(db: Db, userIds: SQL, accountPrefix: string, clientSuffix: string, unknownKeys: string[]) {
  const account = sql`${accountPrefix} || ids.id`;
  const keys = sql`select ${account} from (${userIds}) ids union all select 'client:' || ${account} || ':' || ${clientSuffix} from (${userIds}) ids`;
  return db
    .select({ key: f.key, lockedUntil: f.lockedUntil })
    .from(f)
    .where(or(inArray(f.key, unknownKeys), sql`${f.key} in (${keys})`));
}

/** A guard: none of these keys is locked at `now` (a sign-in's session starts only then). */
export function noneLockedGuard(keys: string[], now: number): Guard {
  return sql`not exists (select 1 from ${f} where ${inArray(f.key, keys)} and ${f.lockedUntil} > ${now})`;
}

/** Forgets the failures counted under these keys (a successful login, a password reset). */
export function clearFailuresQuery(db: Db, keys: string[], guard?: Guard) {
  return db.delete(loginFailures).where(and(inArray(loginFailures.key, keys), guard));
}

/** Client rows of an account are keyed under the account's key. */
export function clientKeyPrefix(accountKey: string): string {
  return `client:${accountKey}:`;
}

/** Forgets an account's failures and every client's failures on it (optionally only if guard holds). */
export function clearAccountQuery(db: Db, accountKey: string, guard?: Guard) {
  const prefix = clientKeyPrefix(accountKey);
  const keys = or(eq(loginFailures.key, accountKey), sql`substr(${loginFailures.key}, 1, ${prefix.length}) = ${prefix}`);
  return db.delete(loginFailures).where(guard ? and(keys, guard) : keys);
}
