// Password checks. An unknown account is checked against a dummy hash, so both take the same
// time; failures are counted with one atomic D1 upsert, per account (or, for an identifier that
// matches no account, per hashed identifier, so unknown accounts throttle like known ones).
// After LOGIN_LOCKOUT_THRESHOLD consecutive failures the account is locked, whatever the
// password, for a period that doubles with each further failure: 1 minute, 2, 4, ... up to 17 h.
import { eq, sql } from 'drizzle-orm';
import { sha256Hex } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../crypto/password';
import { loginFailures, users, type UserRow } from '../store/schema';
import { findUserByEmail, findUserByUsername } from '../store/user-repo';
import type { Deps } from './deps';
import { AppError } from './errors';

const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_DOUBLINGS = 10;

export type LoginIdentifier = { email: string } | { username: string } | { emailOrUsername: string };

async function findByIdentifier(deps: Deps, ecosystemId: string, id: LoginIdentifier): Promise<UserRow | undefined> {
  if ('email' in id) return findUserByEmail(deps.db, ecosystemId, id.email);
  if ('username' in id) return findUserByUsername(deps.db, ecosystemId, id.username);
  return id.emailOrUsername.includes('@')
    ? ((await findUserByEmail(deps.db, ecosystemId, id.emailOrUsername)) ??
        findUserByUsername(deps.db, ecosystemId, id.emailOrUsername))
    : findUserByUsername(deps.db, ecosystemId, id.emailOrUsername);
}

export function throttleKeyForUser(userId: string): string {
  return `user:${userId}`;
}

function throttleKey(ecosystemId: string, id: LoginIdentifier, user: UserRow | undefined): string {
  if (user) return throttleKeyForUser(user.id);
  return `unknown:${sha256Hex(`${ecosystemId}\n${Object.values(id)[0]!.toLowerCase()}`)}`;
}

/**
 * Counts this attempt as a failure before the password is checked (a success clears the count),
 * so guesses sent in parallel cannot all pass a lock check made before any of them was counted.
 * While the account is locked the attempt is not counted and is refused: the row keeps the mark
 * of the attempt that counted last, so an attempt that does not find its own mark was refused.
 */
async function countAttempt(deps: Deps, key: string): Promise<{ refusedForSeconds: number | null }> {
  const now = deps.now();
  const threshold = deps.config.loginLockoutThreshold;
  const mark = randomToken(12);
  const row = await deps.db.get<{ attempt_nonce: string | null; locked_until: number }>(sql`
    insert into ${loginFailures} (key, failures, locked_until, attempt_nonce, updated_at)
    values (${key}, 1, 0, ${mark}, ${now})
    on conflict (key) do update set
      failures = case when locked_until > ${now} then failures else failures + 1 end,
      locked_until = case
        when locked_until > ${now} then locked_until
        when failures + 1 >= ${threshold}
          then ${now} + ${FIRST_LOCK_MS} * (1 << min(failures + 1 - ${threshold}, ${MAX_LOCK_DOUBLINGS}))
        else locked_until end,
      attempt_nonce = case when locked_until > ${now} then attempt_nonce else ${mark} end,
      updated_at = ${now}
    returning attempt_nonce, locked_until`);
  if (row.attempt_nonce === mark) return { refusedForSeconds: null };
  return { refusedForSeconds: Math.max(1, Math.ceil((row.locked_until - now) / 1000)) };
}

/** Clears the failure count (after a successful login or a password reset). */
export function clearFailuresQuery(deps: Deps, userId: string) {
  return deps.db.delete(loginFailures).where(eq(loginFailures.key, throttleKeyForUser(userId)));
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
  const { refusedForSeconds } = await countAttempt(deps, throttleKey(ecosystemId, identifier, user));
  if (refusedForSeconds !== null) throw new AppError('ACCOUNT_LOCKED', { retryAfterSeconds: refusedForSeconds });
  const stored = user?.passwordHash ?? (await dummyPasswordHash(deps.config.passwordHash));
  const check = await verifyPassword(password, stored, deps.config.passwordHash);
  if (!user || !user.passwordHash || !check.ok || user.disabled) throw new AppError('INVALID_CREDENTIALS');
  await clearFailuresQuery(deps, user.id);
  if (check.needsRehash) {
    const passwordHash = await hashPassword(password, deps.config.passwordHash);
    // Only replace the hash that was checked: a concurrent password change wins.
    await deps.db.run(
      sql`update ${users} set password_hash = ${passwordHash} where id = ${user.id} and password_hash = ${user.passwordHash}`,
    );
    return { ...user, passwordHash };
  }
  return user;
}
