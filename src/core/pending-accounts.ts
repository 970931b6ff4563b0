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
// confirmed address is told someone tried instead, with a reset link of its own (a code issued in
// place of the confirmation code). So every path writes its mail in the request's
// batch, atomically with the rest, and sends it after the answer (deps.defer). Every path writes an
// event too: `user.created` for a new address, `signup.repeated` (the holder's) for a taken one,
// which the operator's audit wants and which keeps the rows written close in number (bench:timing).
import type { UserRow } from '../store/user-repo';
import { voidCodesOfQuery } from '../store/code-repo';
import { ensureEcosystemQuery } from '../store/ecosystem-repo';
import {
  addressHeldGuard,
  confirmedHolderIds,
  findUserById,
  holderAddress,
  holderId,
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
  const resetTtl = deps.config.resetCodeTtlSeconds;
  const reset = issueCodeForQuery(deps, confirmedHolderIds(ecosystemId, emailKey), 'reset', resetTtl, email);
  // To the address as its holder stored it (the new user's is `email`), so the per-recipient limit
  // counts every spelling of one address as one recipient.
  const to = holderAddress(ecosystemId, emailKey);
  const confirmation = { ...confirmationMail(deps, email, code), to };
  const notice = { ...registrationAttemptMail(deps, email, reset.code, resetTtl), to };
  // Before the insert, so it reads the holder the address had before this sign-up (none when free).
  const repeated = eventStatements(deps, { type: 'signup.repeated', userId: holderId(ecosystemId, emailKey) });
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
    ...repeated,
    insertUserUnlessAddressTakenQuery(deps.db, row),
    issueCode,
    reset.query,
    limitedOutboxInsertQuery(deps, confirmation, addressHeldGuard(ecosystemId, emailKey, false)),
    limitedOutboxInsertQuery(deps, notice, addressHeldGuard(ecosystemId, emailKey, true)),
  ] as const;
  // Written only if the insert was: the event reads the new user's row.
  const created = eventStatements(deps, { type: 'user.created', userId: row.id, details: { role: row.role, confirmed: false } });
  const results = await deps.db.batch([...statements, ...created]);
  afterEvents(deps, [...results.slice(3, 5), ...results.slice(statements.length)]);
  deps.defer('deliver_mail', () => deliverOutbox(deps));
  const user = (results[5] as UserRow[])[0];
  if (!user) return null;
  // Only the first user of an ecosystem this batch made is numbered by the trigger: read it then.
  return user.userNumber === null ? ((await findUserById(deps.db, user.id)) ?? user) : user;
}
