// How the Gatekeeper shows things: the user object (never a password, hash or the original's
// `secret`), its three user types over the core's roles, its times, and the Keycloak-shaped
// token response of a login.
import type { StartedSession } from '../../core/sessions';
import type { UserRow } from '../../core/users';

export const USER_TYPES = ['developer', 'customer', 'admin'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** The core roles without a user type of their own (user, moderator) show as customers. */
function userTypeOf(role: string): UserType {
  return role === 'admin' || role === 'developer' ? role : 'customer';
}

/** The role to store for a requested user type: the current role when the type is unchanged. */
export function roleForUserType(requested: UserType, currentRole: string): string {
  return userTypeOf(currentRole) === requested ? currentRole : requested;
}

/** `2017-08-25T13:17:22+00:00`, as the original showed `created_at`. */
function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** `2017-08-25 14:16:09 UTC`, as the original showed `session_began_at`. */
function sessionTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

interface GatekeeperUser {
  uuid: string;
  /** Null only for a user made through another face without a username. */
  username: string | null;
  email: string | null;
  user_type: UserType;
  created_at: string;
  first_name?: string;
  last_name?: string;
  phone_number?: string;
  public_key?: string;
  certificate?: string;
}

export function userObject(user: UserRow): GatekeeperUser {
  const shown: GatekeeperUser = {
    uuid: user.id,
    username: user.username,
    email: user.email,
    user_type: userTypeOf(user.role),
    created_at: isoTime(user.createdAt),
  };
  if (user.firstName) shown.first_name = user.firstName;
  if (user.lastName) shown.last_name = user.lastName;
  if (user.phoneNumber) shown.phone_number = user.phoneNumber;
  if (user.publicKey) shown.public_key = user.publicKey;
  if (user.certificate) shown.certificate = user.certificate;
  return shown;
}

export function tokenResponse(username: string, session: StartedSession) {
  return {
    username,
    session_began_at: sessionTime(session.createdAt),
    token: {
      access_token: session.token,
      expires_in: session.expiresIn,
      refresh_token: session.refreshToken,
      refresh_expires_in: session.refreshExpiresIn,
      token_type: 'bearer',
      'not-before-policy': 0,
      session_state: session.sessionId,
    },
  };
}
