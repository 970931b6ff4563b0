// Password reset by a mailed single-use code. Asking answers the same for known and unknown
// addresses; using the code sets the new password, ends every session and token of the user and
// clears the login lockout, all in the batch that spends the code.
import { hashPassword } from '../crypto/password';
import type { EndedSession } from '../store/session-repo';
import { allGuards } from '../store/db';
import {
  addressAwaitsProofGuard,
  findUserByEmail,
  findUserById,
  markEmailVerifiedQuery,
  updateUserIfQuery,
  type UserRow,
} from '../store/user-repo';
import { findCode, issueCodeQuery, spendCode } from './codes';
import { clearAccountFailuresQuery } from './credentials';
import type { Deps } from './deps';
import { afterEvents, eventStatements } from './events';
import { AppError } from './errors';
import { deliverOutbox, limitedOutboxInsertQuery, mailLinkBase, resetMail } from './mail';
import { checkPasswordPolicy, passwordPolicyOfUser } from './password-policy';
import { bulkRevocation, publishBulkRevocation } from './revocation';

/**
 * Mails a reset code to a known address. The answer must not tell known from unknown addresses,
 * neither by its words nor by its time, so the answer waits on nothing but configuration: the
 * lookup, the code and its mail all happen after the response, in one batch; if that fails the
 * user simply asks again.
 */
export async function requestPasswordReset(deps: Deps, ecosystemId: string, email: string): Promise<void> {
  mailLinkBase(deps); // A missing PUBLIC_URL/ISSUER is the operator's error, said at once and the same for every address.
  deps.defer('reset_mail', () =>
    mailResetCode(deps, ecosystemId, email).catch((error: unknown) => deps.log.error('reset_mail_failed', { error: String(error) })),
  );
}

async function mailResetCode(deps: Deps, ecosystemId: string, email: string): Promise<void> {
  const user = await findUserByEmail(deps.db, ecosystemId, email);
  if (!user || user.disabled || !user.email) return;
  const ttl = deps.config.resetCodeTtlSeconds;
  const { code, query } = issueCodeQuery(deps, user.id, 'reset', ttl, user.email);
  const requested = eventStatements(deps, { type: 'password.reset_requested', userId: user.id });
  const results = await deps.db.batch([query, limitedOutboxInsertQuery(deps, resetMail(deps, user.email, code, ttl)), ...requested]);
  afterEvents(deps, results.slice(2));
  await deliverOutbox(deps);
}

/** Whether a reset code could still be spent (issued, unused, unexpired): a read, it spends nothing. */
export async function isResetCodeLive(deps: Deps, code: string): Promise<boolean> {
  const record = await findCode(deps, code, 'reset');
  return !!record && record.usedAt === null && record.expiresAt > deps.now();
}

export async function resetPassword(deps: Deps, code: string, password: string): Promise<UserRow> {
  const record = await findCode(deps, code, 'reset');
  if (!record || record.usedAt !== null || record.expiresAt <= deps.now()) {
    throw new AppError('INVALID_CODE', { field: 'code' });
  }
  checkPasswordPolicy(password, await passwordPolicyOfUser(deps, record.userId));
  const passwordHash = await hashPassword(password, deps.config.passwordHash);
  const now = deps.now();
  let at = { proves: 0, changed: 0, length: 0 };
  const results = await spendCode(deps, record, (guard) => {
    const before = [
      ...bulkRevocation(deps, record.userId, 'password_reset', { guard }),
      clearAccountFailuresQuery(deps, record.userId, guard),
    ];
    // email.verified only when the address it was mailed to is still the user's and not yet proven:
    // read before the statement that marks it.
    const proves = eventStatements(deps, {
      type: 'email.verified',
      userId: record.userId,
      guard: allGuards([guard, addressAwaitsProofGuard(record.userId, record.sentTo)]),
      details: { via: 'reset_code' },
    });
    const changed = eventStatements(deps, { type: 'password.changed', userId: record.userId, guard, details: { via: 'reset_code' } });
    at = { proves: before.length, changed: before.length + proves.length + 1, length: proves.length };
    return [
      ...before,
      ...proves,
      // The code came through the inbox: that proves the address it was mailed to (if still the user's).
      markEmailVerifiedQuery(deps.db, record.userId, record.sentTo, now, guard),
      ...changed,
      // Last, so the row it answers is the user as the whole batch left them.
      updateUserIfQuery(deps.db, record.userId, { passwordHash, updatedAt: now }, guard),
    ];
  });
  const [epochRows, ended] = results;
  afterEvents(deps, [...results.slice(at.proves, at.proves + at.length), ...results.slice(at.changed, at.changed + at.length)]);
  await publishBulkRevocation(deps, record.userId, epochRows as { tokenEpoch: number }[], ended as EndedSession[]);
  // The user as the batch wrote them, not read again after it: a read that failed there would
  // answer an error for a reset that happened, and its retry would find the code spent.
  const user = (results[results.length - 1] as UserRow[])[0];
  if (!user) throw new AppError('INVALID_CODE', { field: 'code' });
  return user;
}

export async function confirmEmail(deps: Deps, code: string): Promise<UserRow> {
  const record = await findCode(deps, code, 'confirm');
  const user = record && (await findUserById(deps.db, record.userId));
  if (!record || !user) throw new AppError('INVALID_CODE', { field: 'code' });
  if (user.confirmed) throw new AppError('USER_ALREADY_CONFIRMED');
  if (record.usedAt !== null || record.expiresAt <= deps.now()) throw new AppError('INVALID_CODE', { field: 'code' });
  const now = deps.now();
  const proven = record.sentTo !== null && record.sentTo === user.emailKey;
  const results = await spendCode(deps, record, (guard) => [
    updateUserIfQuery(deps.db, user.id, { confirmed: true, updatedAt: now }, guard),
    markEmailVerifiedQuery(deps.db, user.id, record.sentTo, now, guard),
    ...(proven ? eventStatements(deps, { type: 'email.verified', userId: user.id, guard }) : []),
  ]);
  afterEvents(deps, results.slice(2));
  return { ...user, confirmed: true, emailVerifiedAt: proven ? now : user.emailVerifiedAt };
}
