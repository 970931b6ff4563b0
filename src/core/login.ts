// Logging in with a password, the same for every face: the credential check (with its lockout and
// constant timing), a confirmed address, then a new session. Faces differ only in how the user is
// named and whether the session's refresh token rotates.
import type { UserRow } from '../store/user-repo';
import { verifyCredentials, type LoginIdentifier } from './credentials';
import type { Deps } from './deps';
import { AppError } from './errors';
import { startSession, type SessionOptions, type StartedSession } from './sessions';

export async function logInWithPassword(
  deps: Deps,
  identifier: LoginIdentifier,
  password: string,
  options: SessionOptions,
): Promise<{ user: UserRow; session: StartedSession }> {
  const { user, ...signIn } = await verifyCredentials(deps, deps.config.defaultEcosystem, identifier, password);
  // Checked after the password, so only whoever knows it learns the address is unconfirmed.
  if (!user.confirmed) throw new AppError('USER_NOT_CONFIRMED');
  return { user, session: await startSession(deps, user, options, signIn) };
}
