// Password checks. An unknown account is checked against a dummy hash, so both take the same
// time. Failures are counted before the check, with one atomic D1 batch, under two keys:
// - per client: the identifier as typed (normalised) plus the client address. After
//   LOGIN_LOCKOUT_THRESHOLD consecutive failures that client is locked out of that identifier for
//   1 minute, doubling with each further failure up to 15 minutes. Other clients are not affected,
//   and the account's other identifiers (its e-mail when the username was guessed) are not either.
// - per account (or, for an identifier that matches no account, per identifier, so unknown
//   accounts lock exactly like known ones): after LOGIN_ACCOUNT_CEILING consecutive failures from
//   all clients together, the account is locked for everyone for 15 minutes.
// The owner is mailed once per lock that an attempt starts.
import { sha256Hex } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../crypto/password';
import type { Guard } from '../store/db';
import {
  clearAccountQuery,
  clearFailuresQuery,
  clientKeyPrefix,
  countAttempt as countAttemptRows,
} from '../store/login-failure-repo';
import { emailKeyOf, findUserByEmail, findUserByEmailOrUsername, findUserByUsername, replacePasswordHashQuery, type UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { AppError } from './errors';
import { accountLockedMail, deliverOutbox, limitedOutboxInsertQuery } from './mail';

const FIRST_LOCK_MS = 60_000;
/** No lock, per client or per account, lasts longer than this. */
const MAX_LOCK_MS = 15 * 60_000;

export type LoginIdentifier = { email: string } | { username: string } | { emailOrUsername: string };

async function findByIdentifier(deps: Deps, ecosystemId: string, id: LoginIdentifier): Promise<UserRow | undefined> {
  if ('email' in id) return findUserByEmail(deps.db, ecosystemId, id.email);
  if ('username' in id) return findUserByUsername(deps.db, ecosystemId, id.username);
  return id.emailOrUsername.includes('@')
    ? findUserByEmailOrUsername(deps.db, ecosystemId, id.emailOrUsername)
    : findUserByUsername(deps.db, ecosystemId, id.emailOrUsername);
}

function throttleKeyForUser(userId: string): string {
  return `user:${userId}`;
}

/** The identifier as typed, normalised as lookups normalise it (so case changes count as one). */
function typedIdentifier(ecosystemId: string, id: LoginIdentifier): string {
  return `${ecosystemId}\n${emailKeyOf(Object.values(id)[0]!)}`;
}

function accountKey(ecosystemId: string, id: LoginIdentifier, user: UserRow | undefined): string {
  if (user) return throttleKeyForUser(user.id);
  return `unknown:${sha256Hex(typedIdentifier(ecosystemId, id))}`;
}

/** Under the account's key, so a password reset can clear every client's lock of the account. */
function clientKey(deps: Deps, ecosystemId: string, id: LoginIdentifier, account: string): string {
  return `${clientKeyPrefix(account)}${sha256Hex(`${typedIdentifier(ecosystemId, id)}\n${deps.clientAddress}`)}`;
}

interface CountedAttempt {
  /** Null when the attempt was counted; else how long the lock that refused it lasts. */
  refusedForSeconds: number | null;
  /** When counting this attempt started a lock: how long it lasts. */
  startedLockSeconds: number | null;
}

/**
 * Counts this attempt as a failure before the password is checked (a success clears the count),
 * so guesses sent in parallel cannot all pass a lock check made before any of them was counted.
 * While either key is locked the attempt is not counted and is refused: each row keeps the mark
 * of the attempt that counted last, so an attempt that does not find its own mark on both rows
 * was refused.
 */
async function countAttempt(deps: Deps, keys: { client: string; account: string }): Promise<CountedAttempt> {
  const now = deps.now();
  const mark = randomToken(12);
  const found = await countAttemptRows(deps.db, {
    clientKey: keys.client,
    accountKey: keys.account,
    mark,
    now,
    clientThreshold: deps.config.loginLockoutThreshold,
    firstLockMs: FIRST_LOCK_MS,
    maxLockMs: MAX_LOCK_MS,
    accountCeiling: deps.config.loginAccountCeiling,
    accountLockMs: MAX_LOCK_MS,
  });
  const counted = found.length === 2 && found.every((row) => row.attemptNonce === mark);
  const lockedUntil = Math.max(0, ...found.map((row) => row.lockedUntil));
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  if (!counted) return { refusedForSeconds: seconds, startedLockSeconds: null };
  return { refusedForSeconds: null, startedLockSeconds: lockedUntil > now ? seconds : null };
}

/** Queues the owner's lock notice after the response, so a known account answers as fast as an unknown one. */
function mailLock(deps: Deps, user: UserRow | undefined, lockSeconds: number | null): void {
  if (!user?.email || lockSeconds === null) return;
  const email = user.email;
  deps.defer('lock_mail', async () => {
    try {
      await limitedOutboxInsertQuery(deps, accountLockedMail(deps, email, lockSeconds));
      await deliverOutbox(deps);
    } catch (error) {
      deps.log.error('lock_mail_failed', { error: String(error) });
    }
  });
}

/** Clears the account's failure counts, its own and every client's (after a password reset). */
export function clearAccountFailuresQuery(deps: Deps, userId: string, guard?: Guard) {
  return clearAccountQuery(deps.db, throttleKeyForUser(userId), guard);
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
): Promise<UserRow> {
  const user = await findByIdentifier(deps, ecosystemId, identifier);
  const account = accountKey(ecosystemId, identifier, user);
  const keys = { client: clientKey(deps, ecosystemId, identifier, account), account };
  const { refusedForSeconds, startedLockSeconds } = await countAttempt(deps, keys);
  if (refusedForSeconds !== null) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: refusedForSeconds });
  const stored = user?.passwordHash ?? (await dummyPasswordHash(deps.config.passwordHash));
  const check = await verifyPassword(password, stored, deps.config.passwordHash);
  if (!user || !user.passwordHash || !check.ok || user.disabled) {
    mailLock(deps, user, startedLockSeconds);
    throw new AppError('INVALID_CREDENTIALS');
  }
  await clearFailuresQuery(deps.db, [keys.client, keys.account]);
  if (check.needsRehash) {
    const passwordHash = await hashPassword(password, deps.config.passwordHash);
    // Only replace the hash that was checked: a concurrent password change wins.
    await replacePasswordHashQuery(deps.db, user.id, user.passwordHash, passwordHash);
    return { ...user, passwordHash };
  }
  return user;
}
