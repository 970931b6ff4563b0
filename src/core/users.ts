// Users across ecosystems: create, find, update, disable, delete. Roles: admin, moderator,
// developer, customer, user; the User Service's permissionLevel derives from the role.
import { eq } from 'drizzle-orm';
import { hashPassword } from '../crypto/password';
import { randomId } from '../crypto/random';
import { isForeignKeyViolation, uniqueViolation } from '../store/db';
import { ecosystems, type UserRow } from '../store/schema';
import * as repo from '../store/user-repo';
import type { BatchItem } from 'drizzle-orm/batch';
import { issueCodeQuery } from './codes';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { confirmationMail, outboxInsertQuery, deliverOutbox } from './mail';
import { checkPasswordPolicy } from './password-policy';
import { endSessionsQuery, publishUserNotBefore, revokeAllTokensForUser } from './revocation';

export const ROLES = ['admin', 'moderator', 'developer', 'customer', 'user'] as const;
export type Role = (typeof ROLES)[number];

export function permissionLevelOf(role: string): 0 | 1 | 2 {
  return role === 'admin' ? 0 : role === 'moderator' ? 1 : 2;
}

/** The role a permission level maps to, keeping a non-privileged role as it is. */
export function roleForPermissionLevel(level: number, current: string): string {
  if (level === 0) return 'admin';
  if (level === 1) return 'moderator';
  return current === 'admin' || current === 'moderator' ? 'user' : current;
}

// No control or format characters (NUL, bidi overrides, zero-width joiners) and no unpaired surrogates.
const EMAIL_PATTERN = /^[^\s@\p{Cc}\p{Cf}\p{Cs}]+@[^\s@\p{Cc}\p{Cf}\p{Cs}]+\.[^\s@\p{Cc}\p{Cf}\p{Cs}]+$/u;
export const EMAIL_MAX_LENGTH = 254;

/**
 * Whether a non-ASCII character of the address stands for ASCII once normalised (NFKC): the
 * KELVIN SIGN for `k`, full-width letters, ligatures. Such an address would take over the plain
 * ASCII one, so it is refused rather than silently mapped.
 */
function hidesAscii(email: string): boolean {
  for (const char of email) {
    if (char.charCodeAt(0) > 0x7f && /[\x00-\x7f]/.test(char.normalize('NFKC'))) return true;
  }
  return false;
}

export function checkEmail(email: string): void {
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email) || hidesAscii(email)) {
    throw new AppError('INVALID_EMAIL', { field: 'email', reason: 'is not a valid e-mail address' });
  }
}

export interface NewUserInput {
  ecosystemId: string;
  email?: string | null;
  username?: string | null;
  uniqueId?: string | null;
  password?: string | null;
  role?: Role;
  firstName?: string | null;
  lastName?: string | null;
  phoneNumber?: string | null;
  language?: string;
  publicKey?: string | null;
  certificate?: string | null;
  meta?: Record<string, unknown> | null;
  /** Send a confirmation code and start unconfirmed (User Service with EMAIL_CONFIRMATION on). */
  requireConfirmation?: boolean;
}

export async function requireEcosystem(deps: Deps, ecosystemId: string): Promise<void> {
  const row = await deps.db.select({ id: ecosystems.id }).from(ecosystems).where(eq(ecosystems.id, ecosystemId)).get();
  if (!row) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId', in: 'path' });
}

/** Maps a UNIQUE failure on users to the error the caller can act on; rethrows anything else. */
export function rethrowUserConflict(error: unknown): never {
  const columns = uniqueViolation(error);
  if (columns?.includes('users.email_key')) throw new AppError('EMAIL_TAKEN', { field: 'email' });
  if (columns?.includes('users.username_key')) throw new AppError('USERNAME_TAKEN', { field: 'username' });
  if (isForeignKeyViolation(error)) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
  throw error;
}

export async function createUser(deps: Deps, input: NewUserInput): Promise<UserRow> {
  if (input.email != null) checkEmail(input.email);
  if (input.password != null) checkPasswordPolicy(input.password, deps.config);
  const now = deps.now();
  const row: repo.NewUserRow = {
    id: randomId(),
    ecosystemId: input.ecosystemId,
    uniqueId: input.uniqueId ?? null,
    username: input.username ?? null,
    usernameKey: input.username?.toLowerCase() ?? null,
    email: input.email ?? null,
    emailKey: input.email != null ? repo.emailKeyOf(input.email) : null,
    passwordHash: input.password != null ? await hashPassword(input.password, deps.config.passwordHash) : null,
    role: input.role ?? 'user',
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    phoneNumber: input.phoneNumber ?? null,
    language: input.language ?? 'en',
    publicKey: input.publicKey ?? null,
    certificate: input.certificate ?? null,
    meta: input.meta ?? null,
    confirmed: !input.requireConfirmation,
    createdAt: now,
    updatedAt: now,
  };
  const queries: [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]] = [repo.insertUserQuery(deps.db, row)];
  if (input.ecosystemId === deps.config.defaultEcosystem) {
    // DEFAULT_ECOSYSTEM may name one the migrations did not create: it comes into being with its first user.
    queries.unshift(deps.db.insert(ecosystems).values({ id: input.ecosystemId, name: input.ecosystemId, createdAt: now }).onConflictDoNothing());
  }
  if (input.requireConfirmation && row.email) {
    const { code, query } = issueCodeQuery(deps, row.id, 'confirm', deps.config.confirmationCodeTtlSeconds);
    queries.push(query, outboxInsertQuery(deps, confirmationMail(deps, row.email, code)));
  }
  try {
    await deps.db.batch(queries);
  } catch (error) {
    rethrowUserConflict(error);
  }
  if (queries.length > 1) deps.waitUntil(deliverOutbox(deps));
  return (await repo.findUserById(deps.db, row.id))!;
}

export async function getUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw new AppError('USER_NOT_FOUND');
  return user;
}

export type ProfilePatch = Omit<repo.UserPatch, 'passwordHash' | 'emailKey' | 'usernameKey' | 'notBefore'> & { password?: string };

/** Whether the patch ends the user's sessions: tokens carry the role, and a disabled user has none. */
async function endsSessions(deps: Deps, userId: string, patch: ProfilePatch): Promise<boolean> {
  if (patch.disabled === true) return true;
  if (patch.role === undefined) return false;
  const current = await repo.findUserById(deps.db, userId);
  return current !== undefined && current.role !== patch.role;
}

/**
 * Updates profile fields (and the password, hashed under the policy); e-mail and username stay
 * unique. Disabling the user or changing their role ends every session and token of theirs in
 * the same batch.
 */
export async function updateUser(deps: Deps, userId: string, patch: ProfilePatch): Promise<UserRow> {
  const { password, ...fields } = patch;
  const now = deps.now();
  const update: repo.UserPatch = { ...fields, updatedAt: now };
  if (fields.email != null) {
    checkEmail(fields.email);
    update.emailKey = repo.emailKeyOf(fields.email);
  }
  if (fields.username !== undefined) update.usernameKey = fields.username?.toLowerCase() ?? null;
  if (password !== undefined) {
    checkPasswordPolicy(password, deps.config);
    update.passwordHash = await hashPassword(password, deps.config.passwordHash);
  }
  const revoke = await endsSessions(deps, userId, patch);
  if (revoke) update.notBefore = now;
  let row: UserRow | undefined;
  try {
    const userUpdate = repo.updateUserQuery(deps.db, userId, update);
    [[row]] = revoke ? await deps.db.batch([userUpdate, endSessionsQuery(deps, userId, 'revoked', now)]) : [await userUpdate];
  } catch (error) {
    rethrowUserConflict(error);
  }
  if (!row) throw new AppError('USER_NOT_FOUND');
  if (revoke) await publishUserNotBefore(deps, userId, now);
  return row;
}

/** What an operator may change of a user: the role (or the permission level it maps to), and whether disabled. */
export async function changeUserStanding(
  deps: Deps,
  userId: string,
  change: { role?: Role; permissionLevel?: number; disabled?: boolean },
): Promise<UserRow> {
  const user = await getUser(deps, userId);
  const role = change.role ?? (change.permissionLevel !== undefined ? roleForPermissionLevel(change.permissionLevel, user.role) : undefined);
  return updateUser(deps, userId, {
    ...(role !== undefined ? { role } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
  });
}

/** Deletes the user with their attributes, grants, codes and sessions (one cascading statement). */
export async function deleteUser(deps: Deps, userId: string): Promise<void> {
  const deleted = await repo.deleteUserQuery(deps.db, userId);
  if (deleted.length === 0) throw new AppError('USER_NOT_FOUND');
  await revokeAllTokensForUser(deps, userId, 'deleted', { userGone: true });
}

export function requireField<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) throw invalidField(field, 'is missing');
  return value;
}
