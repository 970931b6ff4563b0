// Failed-login counters in D1 (table login_failures), one row per key. A login attempt is counted
// against two keys in one batch (one transaction): the client's key (identifier as typed, plus the
// client address) and the account's key (the account, or the identifier when it names none).
// The statements only ever count an attempt that neither key refuses; the read at the end tells
// the core whether this attempt's mark is on both rows (counted) or not (refused by a lock).
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { loginFailures } from './schema';

export interface AttemptCount {
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

export interface FailureRow {
  key: string;
  attempt_nonce: string | null;
  locked_until: number;
}

const COUNT_CLIENT = `
  insert into login_failures (key, failures, locked_until, attempt_nonce, updated_at)
  select ?1, 1, 0, ?3, ?4
  where not exists (select 1 from login_failures where key = ?2 and locked_until > ?4)
  on conflict (key) do update set
    failures = case when locked_until > ?4 then failures else failures + 1 end,
    locked_until = case
      when locked_until > ?4 then locked_until
      when failures + 1 >= ?5 then ?4 + min(?6 * (1 << min(failures + 1 - ?5, 30)), ?7)
      else locked_until end,
    attempt_nonce = case when locked_until > ?4 then attempt_nonce else ?3 end,
    updated_at = ?4`;

const COUNT_ACCOUNT = `
  insert into login_failures (key, failures, locked_until, attempt_nonce, updated_at)
  select ?2, 1, case when 1 >= ?5 then ?4 + ?6 else 0 end, ?3, ?4
  where exists (select 1 from login_failures where key = ?1 and attempt_nonce = ?3)
  on conflict (key) do update set
    failures = case when locked_until > ?4 then failures else failures + 1 end,
    locked_until = case
      when locked_until > ?4 then locked_until
      when failures + 1 >= ?5 then ?4 + ?6
      else locked_until end,
    attempt_nonce = case when locked_until > ?4 then attempt_nonce else ?3 end,
    updated_at = ?4`;

const READ_BOTH = `select key, attempt_nonce, locked_until from login_failures where key in (?1, ?2)`;

/**
 * Counts one attempt in one D1 batch (one transaction): the client's row unless the client or the
 * account is locked, the account's row only if the client's row counted, then reads both rows.
 * (Plain D1 statements: drizzle cannot put a raw statement with parameters into a batch.)
 */
export async function countAttempt(db: Db, a: AttemptCount): Promise<FailureRow[]> {
  const d1 = (db as Db & { $client: D1Database }).$client;
  const [, , read] = await d1.batch([
    d1.prepare(COUNT_CLIENT).bind(a.clientKey, a.accountKey, a.mark, a.now, a.clientThreshold, a.firstLockMs, a.maxLockMs),
    d1.prepare(COUNT_ACCOUNT).bind(a.clientKey, a.accountKey, a.mark, a.now, a.accountCeiling, a.accountLockMs),
    d1.prepare(READ_BOTH).bind(a.clientKey, a.accountKey),
  ]);
  return (read!.results ?? []) as FailureRow[];
}

/** Forgets the failures counted under these keys (a successful login, a password reset). */
export function clearFailuresQuery(db: Db, keys: string[]) {
  return db.delete(loginFailures).where(inArray(loginFailures.key, keys));
}

/** Client rows of an account are keyed under the account's key. */
export function clientKeyPrefix(accountKey: string): string {
  return `client:${accountKey}:`;
}

/** Forgets an account's failures and every client's failures on it (optionally only if guard holds). */
export function clearAccountQuery(db: Db, accountKey: string, guard?: SQL) {
  const prefix = clientKeyPrefix(accountKey);
  const keys = or(eq(loginFailures.key, accountKey), sql`substr(${loginFailures.key}, 1, ${prefix.length}) = ${prefix}`);
  return db.delete(loginFailures).where(guard ? and(keys, guard) : keys);
}
