// Accounts known by a username, with a ranked role, that their users manage themselves (the rules
// the Gatekeeper face serves): who may register which role,
// what a user may change of their own profile, whom they may read, logging in by username and
// out of one session. Roles rank customer = user < developer < moderator < admin; only an admin
// raises a role, and only developers hold a public key or a certificate.
import { findUserById, findUserByUsername } from '../store/user-repo';
import type { UserRow } from '../store/user-repo';
import { isAdmin, ownUser, type Actor } from './actors';
import { verifyCredentials } from './credentials';
import { logInWithPassword } from './login';
import type { Deps } from './deps';
import { authenticateBearer } from './edge-auth';
import { AppError, invalidField } from './errors';
import { revokeSession, type StartedSession } from './sessions';
import { profileOf } from './token-profiles';
import { createUser, updateUser, type Role } from './users';

const ROLE_RANK: Record<string, number> = { user: 0, customer: 0, developer: 1, moderator: 2, admin: 3 };
const rankOf = (role: string): number => ROLE_RANK[role] ?? 0;

/** Optional profile fields: undefined leaves a field as it is, null clears it. */
export interface ProfileFields {
  firstName?: string | null;
  lastName?: string | null;
  phoneNumber?: string | null;
  publicKey?: string | null;
  certificate?: string | null;
}

interface UsernameRegistration extends ProfileFields {
  ecosystemId: string;
  username: string;
  password: string;
  email: string;
  role: Role;
}

interface ProfileUpdate extends ProfileFields {
  username: string;
  password: string;
  email: string;
  role: string;
}

function requireKeysAllowed(role: string, keys: Pick<ProfileFields, 'publicKey' | 'certificate'>): void {
  if (role === 'developer') return;
  if (keys.publicKey) throw invalidField('publicKey', 'is only for developers');
  if (keys.certificate) throw invalidField('certificate', 'is only for developers');
}

/** Registers a user; `actor` is whoever presented a token (null: nobody). */
export async function registerAccount(deps: Deps, actor: Actor | null, input: UsernameRegistration): Promise<UserRow> {
  const privileged = actor !== null && isAdmin(actor);
  if (input.role === 'admin' && !privileged) {
    if (actor === null) throw new AppError('UNAUTHENTICATED', { reason: 'registering an admin needs an admin token' });
    throw new AppError('FORBIDDEN', { reason: 'only an admin may register an admin' });
  }
  if (!deps.config.openRegistration && !privileged) throw new AppError('REGISTRATION_CLOSED');
  requireKeysAllowed(input.role, input);
  return createUser(deps, input);
}

/** Replaces the actor's own profile. The username only names it; it cannot change. */
export async function updateOwnProfile(deps: Deps, actor: Actor, update: ProfileUpdate, currentPassword?: string): Promise<UserRow> {
  const user = ownUser(actor);
  if (update.username !== user.username) {
    throw new AppError('FORBIDDEN', { reason: 'a user may only update their own profile, and the username cannot change' });
  }
  await proveCurrentPassword(deps, user, currentPassword ?? update.password);
  if (!isAdmin(actor) && rankOf(update.role) > rankOf(user.role)) {
    throw new AppError('FORBIDDEN', { reason: 'only an admin may raise a user type' });
  }
  requireKeysAllowed(update.role, update);
  // Keys belong to developers only: leaving that type drops them.
  const keys = update.role === 'developer' ? {} : { publicKey: null, certificate: null };
  const { username: _username, ...fields } = update;
  // A new password or e-mail ends every other session; the caller's own stays.
  const self = actor.kind === 'user' ? { keepSessionId: actor.identity.sessionId, actorEpoch: actor.identity.epoch } : {};
  return updateUser(deps, user.id, { ...fields, ...keys }, self);
}

/**
 * A token alone must not take an account over: the body carries `current_password`, or else its
 * `password` must be the current one (no new password then). Checked as a login is, so wrong
 * guesses count toward the lockout; a wrong one is FORBIDDEN.
 */
async function proveCurrentPassword(deps: Deps, user: UserRow, password: string): Promise<void> {
  try {
    await verifyCredentials(deps, user.ecosystemId, { username: user.username! }, password);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_CREDENTIALS') {
      throw new AppError('FORBIDDEN', { reason: 'current_password is missing or wrong' });
    }
    throw error;
  }
}

/** Sets a developer's public key (and certificate): their own, or anyone's for an admin. */
export async function setPublicKey(
  deps: Deps,
  actor: Actor,
  ecosystemId: string,
  username: string,
  keys: { publicKey: string; certificate?: string | null },
): Promise<UserRow> {
  const own = actor.kind === 'user' && actor.user.username === username ? actor.user : null;
  if (!own && !isAdmin(actor)) throw new AppError('FORBIDDEN', { reason: 'a user may only change their own key' });
  const user = own ?? (await findUserByUsername(deps.db, ecosystemId, username));
  if (!user) throw new AppError('USER_NOT_FOUND');
  requireKeysAllowed(user.role, keys);
  return updateUser(deps, user.id, keys);
}

/** One user, for an admin or for the user themselves. */
export async function readUserAs(deps: Deps, actor: Actor, ecosystemId: string, userId: string): Promise<UserRow> {
  if (!isAdmin(actor) && ownUser(actor).id !== userId) {
    throw new AppError('FORBIDDEN', { reason: 'only admins read other users' });
  }
  const user = await findUserById(deps.db, userId);
  if (!user || user.ecosystemId !== ecosystemId) throw new AppError('USER_NOT_FOUND');
  return user;
}

/** Checks a username and password and starts one more session (a user may hold several). */
export function logInByUsername(
  deps: Deps,
  username: string,
  password: string,
  otp?: string,
): Promise<{ user: UserRow; session: StartedSession }> {
  return logInWithPassword(deps, { username }, password, { rotates: true, profile: profileOf(deps.config, 'gatekeeper') }, otp);
}

/** Ends the session the token belongs to, and only that one. */
export async function logOutSession(deps: Deps, token: string, ecosystemId: string): Promise<void> {
  const identity = await authenticateBearer(deps, token);
  // A token of another ecosystem (a droplit user token, say) proves nothing here: it must not end its session.
  if (identity.ecosystemId !== ecosystemId) throw new AppError('INVALID_TOKEN');
  await revokeSession(deps, identity.sessionId, 'logout');
}
