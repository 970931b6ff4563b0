// Password checks. An unknown account is checked against a dummy hash, so both take the same
// time. A sign-in reads the failure rows of its two keys with the user, in one round trip (a lock
// refuses it there, before the hash); a wrong password is then counted with one atomic D1 batch, which refuses it instead
// if a lock landed meanwhile; a right one starts its session only while neither key is locked, in
// the same batch that clears the failures (sessions.ts). So of guesses sent in parallel, only
// those that land before the lock get an answer that depends on the password, and a clean sign-in
// writes no lockout row at all. The two keys:
// - per client: the identifier as typed (normalised) plus the client address. After
//   LOGIN_LOCKOUT_THRESHOLD consecutive failures that client is locked out of that identifier for
//   1 minute, doubling with each further failure up to 15 minutes. Other clients are not affected,
//   and the account's other identifiers (its e-mail when the username was guessed) are not either.
// - per account (or, for an identifier that matches no account, per identifier, so unknown
//   accounts lock exactly like known ones): after LOGIN_ACCOUNT_CEILING consecutive failures from
//   all clients together, the account is locked for everyone for 15 minutes.
// The owner is mailed once per lock that an attempt starts: the notice is queued by the batch that
// counts the attempt (an unknown identifier's batch runs the same statement, which queues nothing)
// and sent after the answer.
import { sha256Hex } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../crypto/password';
import { allGuards, type Guard } from '../store/db';
import {
  clearAccountQuery,
  clearFailuresQuery,
  clientKeyPrefix,
  countAttempt as countAttemptRows,
  attemptCountedGuard,
  failuresOfSignInQuery,
  lockDurationOf,
  lockStartedGuard,
  noneLockedGuard,
  readFailures,
} from '../store/login-failure-repo';
import {
  emailKeyOf,
  replacePasswordHashQuery,
  userLookupIds,
  userLookupQueries,
  userOfLookups,
  type UserLookup,
  userHasAddressGuard,
  type UserRow,
} from '../store/user-repo';
import type { Deps } from './deps';
import { afterEvents, eventStatements } from './events';
import { AppError } from './errors';
import { filledIn } from '../store/outbox-repo';
import { accountLockedMail, deliverOutbox, limitedOutboxInsertQuery } from './mail';

const FIRST_LOCK_MS = 60_000;
/** No lock, per client or per account, lasts longer than this. */
const MAX_LOCK_MS = 15 * 60_000;

export type LoginIdentifier = UserLookup;

const USER_KEY_PREFIX = 'user:';

function throttleKeyForUser(userId: string): string {
  return `${USER_KEY_PREFIX}${userId}`;
}

/** The identifier as typed, normalised as lookups normalise it (so case changes count as one). */
function typedIdentifier(ecosystemId: string, id: LoginIdentifier): string {
  return `${ecosystemId}\n${emailKeyOf(Object.values(id)[0]!)}`;
}

function accountKey(ecosystemId: string, id: LoginIdentifier, user: UserRow | undefined): string {
  if (user) return throttleKeyForUser(user.id);
  return `unknown:${sha256Hex(typedIdentifier(ecosystemId, id))}`;
}

/** What follows the account's key in this client's key: the identifier as typed and the client's address. */
function clientSuffix(deps: Deps, ecosystemId: string, id: LoginIdentifier): string {
  return sha256Hex(`${typedIdentifier(ecosystemId, id)}\n${deps.clientAddress}`);
}

/** Under the account's key, so a password reset can clear every client's lock of the account. */
function clientKey(deps: Deps, ecosystemId: string, id: LoginIdentifier, account: string): string {
  return `${clientKeyPrefix(account)}${clientSuffix(deps, ecosystemId, id)}`;
}

/**
 * The user an identifier names and the failure rows of the two keys its sign-in counts under, in
 * one round trip: the failure rows are read for every user the lookups may find (and for the
 * identifier itself, should it name no one), then kept for the keys of the user found.
 */
async function lookUp(deps: Deps, ecosystemId: string, id: LoginIdentifier) {
  const unknown = accountKey(ecosystemId, id, undefined);
  const unknownKeys = [clientKey(deps, ecosystemId, id, unknown), unknown];
  const lookups = userLookupQueries(deps.db, ecosystemId, id);
  const failuresQuery = failuresOfSignInQuery(
    deps.db,
    userLookupIds(ecosystemId, id),
    USER_KEY_PREFIX,
    clientSuffix(deps, ecosystemId, id),
    unknownKeys,
  );
  const [failureRows, ...found] = await deps.db.batch([failuresQuery, ...lookups]);
  const user = userOfLookups(found as UserRow[][]);
  const account = accountKey(ecosystemId, id, user);
  const keys = { client: clientKey(deps, ecosystemId, id, account), account };
  return { user, keys, failures: failureRows.filter((row) => row.key === keys.client || row.key === keys.account) };
}

interface CountedAttempt {
  /** Null when the attempt was counted; else how long the lock that refused it lasts. */
  refusedForSeconds: number | null;
  /** When counting this attempt started a lock: how long it lasts. */
  startedLockSeconds: number | null;
}

/**
 * Counts this failed attempt, unless either key is locked by now: then it is not counted and is
 * refused. Each row keeps the mark of the attempt that counted last, so an attempt that does not
 * find its own mark on both rows was refused.
 */
async function countAttempt(deps: Deps, keys: { client: string; account: string }, failure: FailedSignIn): Promise<CountedAttempt> {
  const now = deps.now();
  const mark = randomToken(12);
  const { events, notice } = failureStatements(deps, keys, failure, mark, now);
  const { read: found, also } = await countAttemptRows(
    deps.db,
    {
      clientKey: keys.client,
      accountKey: keys.account,
      mark,
      now,
      clientThreshold: deps.config.loginLockoutThreshold,
      firstLockMs: FIRST_LOCK_MS,
      maxLockMs: MAX_LOCK_MS,
      accountCeiling: deps.config.loginAccountCeiling,
      accountLockMs: MAX_LOCK_MS,
    },
    [...events, notice],
  );
  afterEvents(deps, also.slice(0, events.length));
  const counted = found.length === 2 && found.every((row) => row.attemptNonce === mark);
  const lockedUntil = Math.max(0, ...found.map((row) => row.lockedUntil));
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  if (!counted) return { refusedForSeconds: seconds, startedLockSeconds: null };
  return { refusedForSeconds: null, startedLockSeconds: lockedUntil > now ? seconds : null };
}

/** A failed sign-in of a known user, and why (never the password). */
interface FailedSignIn {
  user: UserRow | undefined;
  reason: 'wrong_password' | 'no_password' | 'disabled' | 'unknown_user' | 'wrong_code';
}

/**
 * What a counted failure writes in the batch that counts it: for a known user's sign-in the events
 * `signin.failed` if it was counted and `user.locked` if counting it started a lock, and then the
 * owner's lock notice (to the outbox, sent after the answer). An identifier that names no one
 * writes no event (it would let anyone fill the log) and no notice, but its batch sends the same
 * statements, naming no user, so known and unknown accounts cost D1 the same before the answer.
 */
function failureStatements(deps: Deps, keys: { client: string; account: string }, failure: FailedSignIn, mark: string, now: number) {
  const { user, reason } = failure;
  const userId = user?.id ?? '';
  const lockStarted = lockStartedGuard([keys.client, keys.account], mark, now);
  const events = [
    ...eventStatements(deps, {
      type: 'signin.failed',
      userId,
      details: { reason: user ? reason : 'unknown_user', method: 'password' },
      guard: attemptCountedGuard(keys.client, mark),
    }),
    ...eventStatements(deps, { type: 'user.locked', userId, guard: lockStarted }),
  ];
  // The lock's length is known only once the batch has counted the attempt: the statement fills it in.
  const mail = accountLockedMail(deps, user?.email ?? '', LOCK_DURATION);
  const duration = lockDurationOf([keys.client, keys.account], mark, now);
  const notice = limitedOutboxInsertQuery(
    deps,
    { ...mail, text: filledIn(mail.text, LOCK_DURATION, duration), html: filledIn(mail.html, LOCK_DURATION, duration) },
    allGuards([lockStarted, userHasAddressGuard(user?.email ? user.id : '')]),
  );
  return { events, notice };
}

/** Where the lock notice's text says how long the lock lasts, until its statement fills it in. */
const LOCK_DURATION = '{{lock_duration}}';

/**
 * After a failure that started a lock, known account or not: the outbox is sent after the answer
 * (the owner's notice, when there is an owner), so both do the same before it and defer the same job.
 */
function sendLockNotice(deps: Deps, lockSeconds: number | null): void {
  if (lockSeconds !== null) deps.defer('deliver_mail', () => deliverOutbox(deps));
}

/** Clears the account's failure counts, its own and every client's (after a password reset). */
export function clearAccountFailuresQuery(deps: Deps, userId: string, guard?: Guard) {
  return clearAccountQuery(deps.db, throttleKeyForUser(userId), guard);
}

/** A user whose password was right, and what starting their session must still check and clear. */
export interface VerifiedCredentials {
  user: UserRow;
  /** The session starts only while neither of these keys is locked. */
  lockKeys: string[];
  /** The failure keys to clear once the session started; empty when none had a row. */
  clearKeys: string[];
}

/**
 * The user these credentials belong to. Unknown user, wrong password and disabled account all
 * answer INVALID_CREDENTIALS; a locked account answers ACCOUNT_LOCKED whatever the password.
 */
export async function verifyCredentials(
  deps: Deps,
  ecosystemId: string,
  identifier: LoginIdentifier,
  password: string,
): Promise<VerifiedCredentials> {
  const { user, keys, failures } = await lookUp(deps, ecosystemId, identifier);
  const now = deps.now();
  const lockedUntil = Math.max(0, ...failures.map((row) => row.lockedUntil));
  if (lockedUntil > now) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - now) / 1000)) });
  const stored = user?.passwordHash ?? (await dummyPasswordHash(deps.config.passwordHash));
  const check = await verifyPassword(password, stored, deps.config.passwordHash);
  if (!user?.passwordHash || !check.ok || user.disabled) {
    const reason = !user ? 'unknown_user' : !user.passwordHash ? 'no_password' : check.ok ? 'disabled' : 'wrong_password';
    const { refusedForSeconds, startedLockSeconds } = await countAttempt(deps, keys, { user, reason });
    if (refusedForSeconds !== null) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: refusedForSeconds });
    sendLockNotice(deps, startedLockSeconds);
    throw new AppError('INVALID_CREDENTIALS');
  }
  const verified = { lockKeys: [keys.client, keys.account], clearKeys: failures.map((row) => row.key) };
  if (check.needsRehash) {
    const passwordHash = await hashPassword(password, deps.config.passwordHash);
    // Only replace the hash that was checked: a concurrent password change wins.
    await replacePasswordHashQuery(deps.db, user.id, user.passwordHash, passwordHash);
    return { ...verified, user: { ...user, passwordHash } };
  }
  return { ...verified, user };
}

/**
 * Counts a failed later step of a sign-in (a wrong one-time code) under the password step's two
 * keys, as a wrong password counts: ACCOUNT_LOCKED when a lock refused it, else nothing.
 */
export async function countFailedStep(deps: Deps, user: UserRow, lockKeys: readonly string[]): Promise<void> {
  const [client, account] = lockKeys;
  if (!client || !account) throw new AppError('INVALID_CREDENTIALS');
  const { refusedForSeconds, startedLockSeconds } = await countAttempt(deps, { client, account }, { user, reason: 'wrong_code' });
  if (refusedForSeconds !== null) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: refusedForSeconds });
  sendLockNotice(deps, startedLockSeconds);
}

/** Clears these failure keys, only if the session `sessionId` was started (for the session's batch). */
export function clearFailuresOnceStartedQuery(deps: Deps, keys: string[], started: Guard) {
  return clearFailuresQuery(deps.db, keys, started);
}

/** ACCOUNT_LOCKED if one of these keys is locked now (a lock that landed while the password was checked). */
export async function refuseIfLocked(deps: Deps, keys: string[]): Promise<void> {
  const now = deps.now();
  const lockedUntil = Math.max(0, ...(await readFailures(deps.db, keys)).map((row) => row.lockedUntil));
  if (lockedUntil > now) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - now) / 1000)) });
}

/** The condition a sign-in's session starts under: none of its failure keys locked. */
export function notLocked(deps: Deps, keys: string[]): Guard {
  return noneLockedGuard(keys, deps.now());
}
