// Registrations under EMAIL_CONFIRMATION that nobody has confirmed yet. Confirming an address
// must activate only a password the confirmer chose: a later sign-up of a still-pending address
// replaces its password and names and voids every link mailed before, in one batch with the new
// link, so a link only ever activates the password set with it (someone who registered a
// victim's address first cannot have the victim activate their password). A pending account
// expires with its last link: upkeep deletes it a day after that link expired.
import { voidCodesQuery } from '../store/code-repo';
import { findUserByEmail, replacePendingCredentialsQuery } from '../store/user-repo';
import { issueCodeQuery } from './codes';
import type { Deps } from './deps';
import { confirmationMail, deliverOutbox, limitedOutboxInsertQuery, registrationAttemptMail } from './mail';

export interface PendingSignUp {
  email: string;
  passwordHash: string;
  firstName: string | null;
  lastName: string | null;
  language: string;
}

/**
 * After the answer to a sign-up whose address was taken: a pending account takes the new
 * credentials (and its owner a new link); a confirmed one's owner is told someone tried.
 */
export async function settleTakenAddress(deps: Deps, signUp: PendingSignUp): Promise<void> {
  try {
    const owner = await findUserByEmail(deps.db, deps.config.defaultEcosystem, signUp.email);
    if (!owner?.email) return;
    if (owner.confirmed) await limitedOutboxInsertQuery(deps, registrationAttemptMail(deps, owner.email));
    else await replacePendingRegistration(deps, owner.id, owner.email, signUp);
    await deliverOutbox(deps);
  } catch (error) {
    deps.log.error('registration_attempt_mail_failed', { error: error instanceof Error ? error.name : 'Error' });
  }
}

/** One batch: void the old links, set the new credentials while still unconfirmed, mail a new link. */
async function replacePendingRegistration(deps: Deps, userId: string, email: string, signUp: PendingSignUp): Promise<void> {
  const now = deps.now();
  const { code, query } = issueCodeQuery(deps, userId, 'confirm', deps.config.confirmationCodeTtlSeconds, email);
  await deps.db.batch([
    voidCodesQuery(deps.db, userId, 'confirm', now),
    replacePendingCredentialsQuery(deps.db, userId, {
      passwordHash: signUp.passwordHash,
      firstName: signUp.firstName,
      lastName: signUp.lastName,
      language: signUp.language,
      updatedAt: now,
    }),
    query,
    limitedOutboxInsertQuery(deps, confirmationMail(deps, email, code)),
  ]);
}
