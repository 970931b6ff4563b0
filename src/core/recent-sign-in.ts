// Changes that matter (turning a second factor off, adding or removing a passkey, a new password or
// e-mail address from the account pages) need a sign-in from the last 5 minutes: a browser left
// signed in is not enough to take the account over.
import type { UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { AppError } from './errors';

/** How recent a sign-in must be for a guarded change. */
export const RECENT_SIGN_IN_MS = 5 * 60_000;

/** The signed-in person and when they proved who they are (seconds, OpenID Connect's `auth_time`). */
export interface SignedIn {
  user: UserRow;
  authTime: number;
}

/** REAUTHENTICATION_REQUIRED unless the sign-in is from the last 5 minutes. */
export function requireRecentSignIn(deps: Deps, current: SignedIn): void {
  if (deps.now() - current.authTime * 1000 > RECENT_SIGN_IN_MS) throw new AppError('REAUTHENTICATION_REQUIRED');
}
