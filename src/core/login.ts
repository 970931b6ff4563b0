// Logging in with a password, the same for every face: the password step (the credential check,
// with its lockout and constant timing) yields a Proof; `completeSignIn` (authenticators.ts) checks
// the confirmed address and starts the session, recording `amr: ["pwd"]`. Faces differ only in how
// the user is named and whether the session's refresh token rotates. A second factor joins as a
// further step between the two, without a change to any face.
import type { UserRow } from '../store/user-repo';
import { completeSignIn, type Proof } from './authenticators';
import { verifyCredentials, type LoginIdentifier } from './credentials';
import type { Deps } from './deps';
import type { SessionOptions, StartedSession } from './sessions';

/** The password step: the user whose password this is, as a Proof (`pwd`); refuses as verifyCredentials does. */
export async function proveWithPassword(deps: Deps, identifier: LoginIdentifier, password: string): Promise<Proof> {
  const { user, lockKeys, clearKeys } = await verifyCredentials(deps, deps.config.defaultEcosystem, identifier, password);
  return { user, method: 'pwd', lockKeys, clearKeys };
}

export async function logInWithPassword(
  deps: Deps,
  identifier: LoginIdentifier,
  password: string,
  options: SessionOptions,
): Promise<{ user: UserRow; session: StartedSession }> {
  return completeSignIn(deps, [await proveWithPassword(deps, identifier, password)], options);
}
