// Who is calling a user-facing route with a bearer token: the deployment's account token (the
// operator, who counts as an admin everywhere) or a user of the ecosystem the face serves. The
// user's row is read afresh, so a role changed since the token was issued counts at once.
import { findUserById } from '../store/user-repo';
import type { UserRow } from '../store/user-repo';
import type { ActorRef } from './changes';
import type { Deps } from './deps';
import { authenticateBearer, type AuthenticateOptions, type Identity } from './edge-auth';
import { isAccountToken } from './ecosystems';
import { AppError } from './errors';

export type Actor = { kind: 'account' } | { kind: 'user'; identity: Identity; user: UserRow };

export async function authenticateActor(deps: Deps, token: string, ecosystemId: string, options: AuthenticateOptions = {}): Promise<Actor> {
  if (isAccountToken(deps, token)) {
    actAs(deps, { kind: 'operator', via: 'account_token' });
    return { kind: 'account' };
  }
  const identity = await authenticateBearer(deps, token, options);
  // A token of another ecosystem proves nothing here.
  if (identity.ecosystemId !== ecosystemId) throw new AppError('INVALID_TOKEN');
  const user = await findUserById(deps.db, identity.userId);
  if (!user || user.disabled) throw new AppError('TOKEN_REVOKED');
  actAs(deps, actorOfUser(user));
  return { kind: 'user', identity, user };
}

/**
 * Records who is acting in this request (Deps.actor), once their credentials are authenticated:
 * what an audit record of a change made next will name. Deps are per request.
 */
export function actAs(deps: Deps, actor: ActorRef): void {
  deps.actor = actor;
}

/** A user as an actor: an admin, or a user acting for themself. */
export function actorOfUser(user: Pick<UserRow, 'id' | 'role'>): ActorRef {
  return user.role === 'admin' ? { kind: 'admin', userId: user.id } : { kind: 'user', userId: user.id };
}

export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'account' || actor.user.role === 'admin';
}

/** The actor's own user; the account token has none. */
export function ownUser(actor: Actor): UserRow {
  if (actor.kind === 'account') throw new AppError('FORBIDDEN', { reason: 'the account token has no profile of its own' });
  return actor.user;
}
