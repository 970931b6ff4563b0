// Users across ecosystems: create, find, update, disable, delete. Roles: admin, moderator,
// developer, customer, user; the User Service's permissionLevel derives from the role.
import { hashPassword, verifyPassword } from '../crypto/password';
import { randomId } from '../crypto/random';
import { isForeignKeyViolation, uniqueViolation, type Batch } from '../store/db';
import { ecosystemExists, ensureEcosystemQuery, spendUserNumber } from '../store/ecosystem-repo';
import * as repo from '../store/user-repo';
import type { UserRow } from '../store/user-repo';

export type { UserRow };
import { issueCodeQuery } from './codes';
import type { RevocationReason } from './changes';
import type { Deps } from './deps';
import { afterEvents, batchWithEvents, eventStatements, userUpdatedAt, type UserEventInput } from './events';
import { AppError } from './errors';
import { accountChangedMail, confirmationMail, deliverOutbox, limitedOutboxInsertQuery, outboxInsertQuery } from './mail';
import { checkPasswordPolicy, passwordPolicyOf } from './password-policy';
import { runBulkRevocation } from './revocation';

export const ROLES = ['admin', 'moderator', 'developer', 'customer', 'user'] as const;
export type Role = (typeof ROLES)[number];

export function permissionLevelOf(role: string): 0 | 1 | 2 {
  return role === 'admin' ? 0 : role === 'moderator' ? 1 : 2;
}

/** The role a permission level maps to, keeping a non-privileged role as it is. */
function roleForPermissionLevel(level: number, current: string): string {
  if (level === 0) return 'admin';
  if (level === 1) return 'moderator';
  return current === 'admin' || current === 'moderator' ? 'user' : current;
}

// No control or format characters (NUL, bidi overrides, zero-width joiners) and no unpaired surrogates.
const EMAIL_PATTERN = /^[^\s@\p{Cc}\p{Cf}\p{Cs}]+@[^\s@\p{Cc}\p{Cf}\p{Cs}]+\.[^\s@\p{Cc}\p{Cf}\p{Cs}]+$/u;
export const EMAIL_MAX_LENGTH = 254;
/** The longest first or last name any face accepts: one cap, so a name stored through one face reads back through every other. */
export const NAME_MAX_LENGTH = 200;

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

interface NewUserInput {
  ecosystemId: string;
  email?: string | null;
  username?: string | null;
  uniqueId?: string | null;
  password?: string | null;
  /** The password's hash, made by a caller that checked the policy itself (instead of `password`). */
  passwordHash?: string;
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
  /** The user's number, already spent by the caller (spendUserNumber); else spent here. */
  userNumber?: number | null;
}

export async function requireEcosystem(deps: Deps, ecosystemId: string): Promise<void> {
  if (!(await ecosystemExists(deps.db, ecosystemId))) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
}

/** Maps a UNIQUE failure on users to the error the caller can act on; rethrows anything else. */
export function rethrowUserConflict(error: unknown): never {
  const columns = uniqueViolation(error);
  if (columns?.includes('users.email_key')) throw new AppError('EMAIL_TAKEN', { field: 'email' });
  if (columns?.includes('users.username_key')) throw new AppError('USERNAME_TAKEN', { field: 'username' });
  if (isForeignKeyViolation(error)) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
  throw error;
}

/** The row of a new user: a fresh id, and the password hashed unless the caller brought its hash. */
export async function newUserRow(deps: Deps, input: NewUserInput, userNumber: number | null, now: number): Promise<repo.NewUserRow> {
  return {
    id: randomId(),
    userNumber,
    ecosystemId: input.ecosystemId,
    uniqueId: input.uniqueId ?? null,
    username: input.username ?? null,
    usernameKey: input.username?.toLowerCase() ?? null,
    email: input.email ?? null,
    emailKey: input.email != null ? repo.emailKeyOf(input.email) : null,
    passwordHash: input.passwordHash ?? (input.password != null ? await hashPassword(input.password, deps.config.passwordHash) : null),
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
}

export async function createUser(deps: Deps, input: NewUserInput): Promise<UserRow> {
  if (input.email != null) checkEmail(input.email);
  if (input.password != null) checkPasswordPolicy(input.password, await passwordPolicyOf(deps, input.ecosystemId));
  const now = deps.now();
  // The number first, in its own round trip, so the insert can answer the whole row (RETURNING does
  // not show what an AFTER INSERT trigger writes) and nothing is read after the batch: a read that
  // failed there would answer an error for a user that was made, and the retry "taken". A number
  // spent by a batch that then fails is a gap, as a deleted user's is. Null when the ecosystem does
  // not exist yet (the default one, made by this batch): the trigger numbers the user then.
  const userNumber = input.userNumber !== undefined ? input.userNumber : await spendUserNumber(deps.db, input.ecosystemId);
  const row = await newUserRow(deps, input, userNumber, now);
  const insert = repo.insertUserQuery(deps.db, row).returning();
  const queries: Batch = [insert];
  if (input.ecosystemId === deps.config.defaultEcosystem) {
    // DEFAULT_ECOSYSTEM may name one the migrations did not create: it comes into being with its first user.
    queries.unshift(ensureEcosystemQuery(deps.db, input.ecosystemId, now));
  }
  if (input.requireConfirmation && row.email) {
    const { code, query } = issueCodeQuery(deps, row.id, 'confirm', deps.config.confirmationCodeTtlSeconds, row.email);
    queries.push(query, limitedOutboxInsertQuery(deps, confirmationMail(deps, row.email, code)));
  }
  const inserted = queries.indexOf(insert);
  const created = eventStatements(deps, {
    type: 'user.created',
    ecosystemId: row.ecosystemId,
    userId: row.id,
    details: { role: row.role, confirmed: row.confirmed },
  });
  let results: unknown[];
  try {
    results = await deps.db.batch([...queries, ...created]);
  } catch (error) {
    rethrowUserConflict(error);
  }
  afterEvents(deps, results.slice(queries.length));
  if (queries.length > 1) deps.defer('deliver_mail', () => deliverOutbox(deps));
  const user = (results[inserted] as UserRow[])[0]!;
  // Only the first user of an ecosystem this batch made is numbered by the trigger: read it then.
  return user.userNumber === null ? (await repo.findUserById(deps.db, row.id))! : user;
}

export async function getUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw new AppError('USER_NOT_FOUND');
  return user;
}

type ProfilePatch = Omit<repo.UserPatch, 'passwordHash' | 'emailKey' | 'usernameKey' | 'tokenEpoch' | 'emailVerifiedAt'> & {
  password?: string;
};

interface UpdateOptions {
  /**
   * The caller's own session, when the user changes their own password or e-mail: it survives the
   * change (moved to the new token epoch, so its refresh token keeps working) while every other
   * session and token of the user ends.
   */
  keepSessionId?: string;
  /** The epoch of the caller's own token, when users change themselves: an older one is revoked. */
  actorEpoch?: number;
}

const UPDATE_ATTEMPTS = 3;

/** What the patch changes that ends sessions, judged against the row as it is. */
async function changesOf(deps: Deps, current: UserRow, patch: ProfilePatch) {
  // Tokens carry the role, and a disabled user has none: these end every session.
  const standing = patch.disabled === true || (patch.role !== undefined && patch.role !== current.role);
  // The Gatekeeper's PUT always sends the password: the same one again changes nothing.
  const password =
    patch.password !== undefined &&
    !(current.passwordHash && (await verifyPassword(patch.password, current.passwordHash, deps.config.passwordHash)).ok);
  const email = patch.email !== undefined && patch.email !== current.email;
  return { standing, password, email };
}

/**
 * Updates profile fields (and the password, hashed under the policy); e-mail and username stay
 * unique. Disabling the user or changing their role ends every session and token of theirs in
 * the same batch; changing the password or e-mail ends every other session (all but
 * `keepSessionId`) and mails the old address, in that batch too.
 */
export async function updateUser(
  deps: Deps,
  userId: string,
  patch: ProfilePatch,
  options: UpdateOptions = {},
  attempt = 1,
): Promise<UserRow> {
  const { password, ...fields } = patch;
  const now = deps.now();
  const update: repo.UserPatch = { ...fields, updatedAt: now };
  if (fields.email != null) {
    checkEmail(fields.email);
    update.emailKey = repo.emailKeyOf(fields.email);
  }
  if (fields.username !== undefined) update.usernameKey = fields.username?.toLowerCase() ?? null;
  const current = await repo.findUserById(deps.db, userId);
  if (!current) throw new AppError('USER_NOT_FOUND');
  if (password !== undefined) checkPasswordPolicy(password, await passwordPolicyOf(deps, current.ecosystemId));
  // A caller whose token an earlier revocation ended changes nothing, even before KV has caught up.
  if (options.actorEpoch !== undefined && options.actorEpoch < current.tokenEpoch) throw new AppError('TOKEN_REVOKED');
  // What is not changing is not written: re-sending the role it read cannot undo a demotion.
  if (update.role === current.role) delete update.role;
  if (update.disabled === current.disabled) delete update.disabled;
  const changed = await changesOf(deps, current, patch);
  // A new address is unproven until a link or reset code mailed to it is used.
  if (changed.email) update.emailVerifiedAt = null;
  if (changed.password) update.passwordHash = await hashPassword(password!, deps.config.passwordHash);
  const credentials = changed.password || changed.email;
  const mail = credentials && current.email ? accountChangedMail(deps, current.email, changed.password ? 'password' : 'email') : null;
  const events = updateEvents(userId, update, current, changed, now);
  let row: UserRow | undefined;
  try {
    // Written only while the epoch is the one read: a revocation during the password hash wins.
    const userUpdate = repo.updateUserAtEpochQuery(deps.db, userId, update, current.tokenEpoch);
    if (changed.standing || credentials) {
      const keepSessionId = changed.standing ? undefined : options.keepSessionId;
      const also = mail ? [outboxInsertQuery(deps, mail)] : [];
      const reason: RevocationReason = !changed.standing
        ? 'credentials_changed'
        : patch.disabled === true
          ? 'user_disabled'
          : 'role_changed';
      const { before } = await runBulkRevocation(deps, userId, reason, { before: [userUpdate], keepSessionId, after: also, events });
      [row] = before[0] as UserRow[];
    } else {
      [row] = (await batchWithEvents(deps, [userUpdate], events))[0] as UserRow[];
    }
  } catch (error) {
    rethrowUserConflict(error);
  }
  if (!row) {
    if (options.actorEpoch !== undefined) throw new AppError('TOKEN_REVOKED');
    // The user changed under an operator's update: read again and judge the change anew.
    if (attempt < UPDATE_ATTEMPTS) return updateUser(deps, userId, patch, options, attempt + 1);
    throw new AppError('USER_NOT_FOUND');
  }
  if (mail) deps.defer('deliver_mail', () => deliverOutbox(deps));
  return row;
}

/** Columns an update writes that are not the user's own fields, or that have events of their own. */
const NOT_PROFILE = new Set(['updatedAt', 'emailKey', 'usernameKey', 'passwordHash', 'emailVerifiedAt', 'disabled', 'email']);

/**
 * The events of an update, each written only if the update took effect (the row carries its
 * `updatedAt`): disabling, enabling, a new password or e-mail have their own; other fields (and
 * the role) are one `user.updated` naming them, never their values.
 */
function updateEvents(
  userId: string,
  update: repo.UserPatch,
  current: UserRow,
  changed: { password: boolean; email: boolean },
  now: number,
): UserEventInput[] {
  const guard = userUpdatedAt(userId, now);
  const events: UserEventInput[] = [];
  const event = (type: UserEventInput['type'], details?: Record<string, unknown>) => events.push({ type, userId, guard, details });
  if (update.disabled === true) event('user.disabled');
  if (update.disabled === false && current.disabled) event('user.enabled');
  if (changed.password) event('password.changed');
  if (changed.email) event('email.changed');
  const fields = Object.keys(update).filter((key) => !NOT_PROFILE.has(key));
  if (fields.length > 0) event('user.updated', { fields, ...(update.role !== undefined ? { role: update.role } : {}) });
  return events;
}

/** What an operator may change of a user: the role (or the permission level it maps to), and whether disabled. */
export async function changeUserStanding(
  deps: Deps,
  userId: string,
  change: { role?: Role; permissionLevel?: number; disabled?: boolean },
): Promise<UserRow> {
  const user = await getUser(deps, userId);
  const role =
    change.role ?? (change.permissionLevel !== undefined ? roleForPermissionLevel(change.permissionLevel, user.role) : undefined);
  return updateUser(deps, userId, {
    ...(role !== undefined ? { role } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
  });
}

/** Deletes the user with their attributes, grants, codes and sessions (one cascading statement). */
export async function deleteUser(deps: Deps, userId: string): Promise<void> {
  // The epoch is raised and the sessions' ids read before the cascade removes them, so KV learns
  // of every token the delete ended.
  const { after } = await runBulkRevocation(deps, userId, 'user_deleted', {
    after: [repo.deleteUserQuery(deps.db, userId)],
    events: [{ type: 'user.deleted', userId }],
  });
  if ((after[0] as unknown[]).length === 0) throw new AppError('USER_NOT_FOUND');
}

/** OpenID's `email_verified`: the current address was proven by a mailed link or code (not merely `confirmed`). */
export function emailVerified(user: UserRow): boolean {
  return user.email !== null && user.emailVerifiedAt !== null;
}
