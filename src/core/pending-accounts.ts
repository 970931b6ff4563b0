// Registrations under EMAIL_CONFIRMATION. Confirming an address must activate only a password the
// confirmer chose: a later sign-up of a still-pending address replaces its password and names and
// voids every link mailed before, in one batch with the new link, so a link only ever activates the
// password set with it (someone who registered a victim's address first cannot have the victim
// activate their password). A pending account expires with its last link: upkeep deletes it a day
// after that link expired.
//
// Registration must not tell who has an account, by its answer or by its time: a new address, a
// pending one and a confirmed one run the very same batch before the answer, each statement
// conditional on who holds the address when it runs. The insert of the new user does nothing when
// the address is taken; the pending holder's credentials and links are replaced (nothing when
// there is none); a link is issued to whoever is pending, new or not, and mailed; the holder of a
// confirmed address is told someone tried instead. So every path writes its mail in the request's
// batch, atomically with the rest, and sends it after the answer (deps.defer).
import type { UserRow } from '../store/user-repo';
import { voidCodesOfQuery } from '../store/code-repo';
import { ensureEcosystemQuery } from '../store/ecosystem-repo';
import {
  addressHeldGuard,
  findUserById,
  holderAddress,
  insertUserUnlessAddressTakenQuery,
  pendingHolderIds,
  replacePendingCredentialsOfAddressQuery,
  type NewUserRow,
} from '../store/user-repo';
import { issueCodeForQuery } from './codes';
import type { Deps } from './deps';
import { afterEvents, eventStatements } from './events';
import { confirmationMail, deliverOutbox, limitedOutboxInsertQuery, registrationAttemptMail } from './mail';

/**
 * Registers `row` (unconfirmed, with an address and a password hash) in one batch that is the same
 * whoever holds the address: the new user, or null when the address was taken (its pending holder
 * then has the new credentials and a new link; its confirmed holder a notice).
 */
export async function registerPending(deps: Deps, row: NewUserRow & { email: string; emailKey: string }): Promise<UserRow | null> {
  const { ecosystemId, email, emailKey } = row;
  const now = deps.now();
  const pending = pendingHolderIds(ecosystemId, emailKey);
  const { code, query: issueCode } = issueCodeForQuery(deps, pending, 'confirm', deps.config.confirmationCodeTtlSeconds, email);
  // To the address as its holder stored it (the new user's is `email`), so the per-recipient limit
  // counts every spelling of one address as one recipient.
  const to = holderAddress(ecosystemId, emailKey);
  const confirmation = { ...confirmationMail(deps, email, code), to };
  const notice = { ...registrationAttemptMail(deps, email), to };
  const statements = [
    // DEFAULT_ECOSYSTEM may name one the migrations did not create: it comes into being with its first user.
    ensureEcosystemQuery(deps.db, ecosystemId, now),
    voidCodesOfQuery(deps.db, pending, 'confirm', now),
    replacePendingCredentialsOfAddressQuery(deps.db, ecosystemId, emailKey, {
      passwordHash: row.passwordHash,
      firstName: row.firstName,
      lastName: row.lastName,
      language: row.language,
      updatedAt: now,
    }),
    insertUserUnlessAddressTakenQuery(deps.db, row),
    issueCode,
    limitedOutboxInsertQuery(deps, confirmation, addressHeldGuard(ecosystemId, emailKey, false)),
    limitedOutboxInsertQuery(deps, notice, addressHeldGuard(ecosystemId, emailKey, true)),
  ] as const;
  // Written only if the insert was: the event reads the new user's row.
  const created = eventStatements(deps, { type: 'user.created', userId: row.id, details: { role: row.role, confirmed: false } });
  const results = await deps.db.batch([...statements, ...created]);
  afterEvents(deps, results.slice(statements.length));
  deps.defer('deliver_mail', () => deliverOutbox(deps));
  const user = (results[3] as UserRow[])[0];
  if (!user) return null;
  // Only the first user of an ecosystem this batch made is numbered by the trigger: read it then.
  return user.userNumber === null ? ((await findUserById(deps.db, user.id)) ?? user) : user;
}
