// Logging in with a password, the same for every face: the password step (the credential check,
// with its lockout and constant timing) yields a Proof; `completeSignIn` (authenticators.ts) checks
// the confirmed address and starts the session, recording `amr: ["pwd"]`. Faces differ only in how
// the user is named and whether the session's refresh token rotates. A user with a second factor
// needs a one-time code too (`otp`, second-factors.ts): without one, MFA_REQUIRED.
import type { UserRow } from '../store/user-repo';
import { completeSignIn, type Proof } from './authenticators';
import { verifyCredentials, type LoginIdentifier } from './credentials';
import type { Deps } from './deps';
import { furtherSteps } from './second-factors';
import type { SessionOptions, StartedSession } from './sessions';

/**
 * The password step: the user whose password this is, as a Proof (`pwd`); refuses as verifyCredentials
 * does. The user is looked for in DEFAULT_ECOSYSTEM unless the caller names another (the console's).
 */
export async function proveWithPassword(
  deps: Deps,
  identifier: LoginIdentifier,
  password: string,
  ecosystemId = deps.config.defaultEcosystem,
): Promise<Proof> {
  const { user, lockKeys, clearKeys } = await verifyCredentials(deps, ecosystemId, identifier, password);
  return { user, method: 'pwd', lockKeys, clearKeys };
}

export async function logInWithPassword(
  deps: Deps,
  identifier: LoginIdentifier,
  password: string,
  options: SessionOptions,
  otp?: string,
): Promise<{ user: UserRow; session: StartedSession }> {
  const first = await proveWithPassword(deps, identifier, password);
  return completeSignIn(deps, [first, ...(await furtherSteps(deps, first, otp))], options);
}
