// The console's actions on a user: each one core operation, the same the operator API calls, so the
// rules and the event are the same; the event names the signed-in admin as its actor (the door set
// Deps.actor). Each answers a 303 back to the user's page with a notice.
import type { Context } from 'hono';
import { invalidField } from '../../core/errors';
import { requestPasswordReset } from '../../core/password-reset';
import { revokeAllTokensForUser } from '../../core/revocation';
import { removeSecondFactorsByOperator } from '../../core/second-factors';
import { revokeSessionOfUser } from '../../core/sessions';
import { changeUserStanding, deleteUser, getUser, ROLES, type Role } from '../../core/users';
import type { AppEnv } from '../../http/types';
import { formText, readForm } from '../../web/form';
import { userName, userScreen } from './users';

const back = (c: Context<AppEnv>, userId: string, done: string) => c.redirect(`/console/users/${userId}?done=${done}`, 303);

const userOf = (c: Context<AppEnv>) => getUser(c.env.deps, c.req.param('id') ?? '');

/**
 * The admin at the console may not disable, demote, strip of second factors or delete their own
 * account there: each would end the console for them mid-task, and could leave the deployment
 * without an admin who can sign in to it. Another admin (or the operator API) can.
 */
function ownAccount(c: Context<AppEnv>): boolean {
  return c.get('consoleAdmin')?.user.id === c.req.param('id');
}

const OWN_ACCOUNT = 'This is your own account: another admin must do that, so that the console always has an admin who can sign in.';

/** POST /console/users/:id/disable and /enable. */
export function setDisabled(disabled: boolean) {
  return async function changeDisabled(c: Context<AppEnv>) {
    if (disabled && ownAccount(c)) return userScreen(c, { action: OWN_ACCOUNT });
    const user = await changeUserStanding(c.env.deps, c.req.param('id') ?? '', { disabled });
    return back(c, user.id, disabled ? 'disabled' : 'enabled');
  };
}

/** POST /console/users/:id/role: field `role`, one of the roles. */
export async function changeRole(c: Context<AppEnv>) {
  const role = formText(await readForm(c), 'role', 32);
  if (!(ROLES as readonly string[]).includes(role)) throw invalidField('role', `must be one of ${ROLES.join(', ')}`);
  if (role !== 'admin' && ownAccount(c)) return userScreen(c, { action: OWN_ACCOUNT });
  const user = await changeUserStanding(c.env.deps, c.req.param('id') ?? '', { role: role as Role });
  return back(c, user.id, 'role-changed');
}

/** POST /console/users/:id/sessions/end-all: every session and token of the user. */
export async function endAllSessions(c: Context<AppEnv>) {
  const user = await userOf(c);
  await revokeAllTokensForUser(c.env.deps, user.id, 'operator');
  return back(c, user.id, 'sessions-ended');
}

/** POST /console/users/:id/sessions/end: field `session`, one of the user's sessions (another's is a 404). */
export async function endSession(c: Context<AppEnv>) {
  const user = await userOf(c);
  const sessionId = formText(await readForm(c), 'session', 64);
  if (sessionId === '') throw invalidField('session', 'must name a session');
  await revokeSessionOfUser(c.env.deps, user.id, sessionId, 'operator');
  return back(c, user.id, 'session-ended');
}

/** POST /console/users/:id/reset-mail: the reset mail a person asks for on the forgot-password page. */
export async function sendResetMail(c: Context<AppEnv>) {
  const user = await userOf(c);
  if (!user.email) throw invalidField('email', 'is not set: the user has no address to mail');
  await requestPasswordReset(c.env.deps, user.ecosystemId, user.email);
  return back(c, user.id, 'reset-mailed');
}

/** POST /console/users/:id/mfa/remove: the authenticator app, recovery codes and passkeys; every session ends. */
export async function removeSecondFactors(c: Context<AppEnv>) {
  if (ownAccount(c)) return userScreen(c, { action: OWN_ACCOUNT });
  const user = await userOf(c);
  await removeSecondFactorsByOperator(c.env.deps, user);
  return back(c, user.id, 'mfa-removed');
}

/** POST /console/users/:id/delete: field `confirm` must be the user's name as the page shows it. */
export async function deleteWithConfirmation(c: Context<AppEnv>) {
  const user = await userOf(c);
  const typed = formText(await readForm(c), 'confirm', 300).trim();
  if (typed !== userName(user)) {
    return userScreen(c, {
      delete: typed === '' ? 'Type the name shown to delete the user.' : 'That is not the name shown: nothing was deleted.',
    });
  }
  if (ownAccount(c)) return userScreen(c, { action: OWN_ACCOUNT });
  await deleteUser(c.env.deps, user.id);
  return c.redirect('/console/users?done=deleted', 303);
}
