// The account page's own changes to a person's credentials: a new password, a new e-mail address.
// Each needs a sign-in from the last 5 minutes (recent-sign-in.ts); then it is the same update as
// the API's (users.ts): the password policy, every other session and token of the user ended, the
// old address mailed, in one batch. The browser's own session is kept.
import type { BrowserSession } from './browser-sessions';
import type { Deps } from './deps';
import { requireRecentSignIn } from './recent-sign-in';
import { updateUser } from './users';

/** Sets the signed-in person's new password; REAUTHENTICATION_REQUIRED after 5 minutes, the policy's codes for a weak one. */
export async function changeOwnPassword(deps: Deps, current: BrowserSession, password: string): Promise<void> {
  requireRecentSignIn(deps, current);
  await updateUser(deps, current.user.id, { password }, { keepSessionId: current.session.id, actorEpoch: current.session.userEpoch });
}

/** Sets the signed-in person's new e-mail address (unproven until a mailed link or code is used). */
export async function changeOwnEmail(deps: Deps, current: BrowserSession, email: string): Promise<void> {
  requireRecentSignIn(deps, current);
  await updateUser(deps, current.user.id, { email }, { keepSessionId: current.session.id, actorEpoch: current.session.userEpoch });
}
