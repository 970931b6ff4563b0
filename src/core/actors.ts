// Who is calling a user-facing route with a bearer token: the deployment's account token (the
// operator, who counts as an admin everywhere) or a user of the ecosystem the face serves. The
// user's row is read afresh, so a role changed since the token was issued counts at once.
import { findUserById } from '../store/user-repo';
import type { UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { authenticateBearer, type AuthenticateOptions, type Identity } from './edge-auth';
import { isAccountToken } from './ecosystems';
import { AppError } from './errors';

export type Actor = { kind: 'account' } | { kind: 'user'; identity: Identity; user: UserRow };

export async function authenticateActor(deps: Deps, token: string, ecosystemId: string, options: AuthenticateOptions = {}): Promise<Actor> {
  if (isAccountToken(deps, token)) return { kind: 'account' };
  const identity = await authenticateBearer(deps, token, options);
  // A token of another ecosystem proves nothing here.
  if (identity.ecosystemId !== ecosystemId) throw new AppError('INVALID_TOKEN');
  const user = await findUserById(deps.db, identity.userId);
  if (!user || user.disabled) throw new AppError('TOKEN_REVOKED');
  return { kind: 'user', identity, user };
}

export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'account' || actor.user.role === 'admin';
}

/** The actor's own user; the account token has none. */
export function ownUser(actor: Actor): UserRow {
  if (actor.kind === 'account') throw new AppError('FORBIDDEN', { reason: 'the account token has no profile of its own' });
  return actor.user;
}
