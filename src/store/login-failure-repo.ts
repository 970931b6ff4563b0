// Failed-login counters in D1 (table login_failures), one row per key. A login attempt is counted
// against two keys in one batch (one transaction): the client's key (identifier as typed, plus the
// client address) and the account's key (the account, or the identifier when it names none).
// The statements only ever count an attempt that neither key refuses; the read at the end tells
// the core whether this attempt's mark is on both rows (counted) or not (refused by a lock).
import { inArray, sql } from 'drizzle-orm';
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

/**
 * The three statements of one attempt, for one db.batch: count the client unless the client or
 * the account is locked, count the account only if the client counted, then read both rows.
 */
export function countAttemptQueries(db: Db, a: AttemptCount) {
  const doublings = sql`min(failures + 1 - ${a.clientThreshold}, 30)`;
  const countClient = db.run(sql`
    insert into ${loginFailures} (key, failures, locked_until, attempt_nonce, updated_at)
    select ${a.clientKey}, 1, 0, ${a.mark}, ${a.now}
    where not exists (select 1 from ${loginFailures} where key = ${a.accountKey} and locked_until > ${a.now})
    on conflict (key) do update set
      failures = case when locked_until > ${a.now} then failures else failures + 1 end,
      locked_until = case
        when locked_until > ${a.now} then locked_until
        when failures + 1 >= ${a.clientThreshold}
          then ${a.now} + min(${a.firstLockMs} * (1 << ${doublings}), ${a.maxLockMs})
        else locked_until end,
      attempt_nonce = case when locked_until > ${a.now} then attempt_nonce else ${a.mark} end,
      updated_at = ${a.now}`);
  const countAccount = db.run(sql`
    insert into ${loginFailures} (key, failures, locked_until, attempt_nonce, updated_at)
    select ${a.accountKey}, 1, case when 1 >= ${a.accountCeiling} then ${a.now + a.accountLockMs} else 0 end, ${a.mark}, ${a.now}
    where exists (select 1 from ${loginFailures} where key = ${a.clientKey} and attempt_nonce = ${a.mark})
    on conflict (key) do update set
      failures = case when locked_until > ${a.now} then failures else failures + 1 end,
      locked_until = case
        when locked_until > ${a.now} then locked_until
        when failures + 1 >= ${a.accountCeiling} then ${a.now + a.accountLockMs}
        else locked_until end,
      attempt_nonce = case when locked_until > ${a.now} then attempt_nonce else ${a.mark} end,
      updated_at = ${a.now}`);
  const read = db
    .select({ key: loginFailures.key, attempt_nonce: loginFailures.attemptNonce, locked_until: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(inArray(loginFailures.key, [a.clientKey, a.accountKey]));
  return [countClient, countAccount, read] as const;
}

/** Forgets the failures counted under these keys (a successful login, a password reset). */
export function clearFailuresQuery(db: Db, keys: string[]) {
  return db.delete(loginFailures).where(inArray(loginFailures.key, keys));
}
