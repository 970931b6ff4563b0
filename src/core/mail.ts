// Mail goes to the outbox table in the same batch as the code it carries, then to a transport.
// The `log` transport (the only one so far) marks it sent and prints recipient and subject, with
// codes masked: the full text is read from the outbox (GET /admin/v1/outbox), never from logs.
import { and, desc, eq, isNull } from 'drizzle-orm';
import { ConfigError } from '../config';
import { randomId } from '../crypto/random';
import { outbox, type OutboxRow } from '../store/schema';
import type { Deps } from './deps';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const DELIVERY_BATCH = 20;

export function outboxInsertQuery(deps: Deps, mail: Mail) {
  return deps.db.insert(outbox).values({ id: randomId(), ...mail, createdAt: deps.now() });
}

/**
 * Where links in mail point: PUBLIC_URL, else ISSUER. Never the request's Host, which the client
 * chooses: a reset link built from it hands the code to whoever sent the request.
 */
export function mailLinkBase(deps: Deps): string {
  const base = deps.config.publicUrl ?? deps.config.issuer;
  if (!base) throw new ConfigError('PUBLIC_URL', 'or ISSUER must be set: links in mail are built from them, never from the request');
  return base;
}

export function confirmationMail(deps: Deps, to: string, code: string): Mail {
  const link = `${mailLinkBase(deps)}/v1/users/activate?code=${encodeURIComponent(code)}`;
  return {
    to,
    subject: 'Confirm your e-mail address',
    text: `Welcome! Confirm your e-mail address by opening this link:\n\n${link}\n\nIf you did not sign up, ignore this message.`,
  };
}

export function resetMail(deps: Deps, to: string, code: string, ttlSeconds: number): Mail {
  const link = `${mailLinkBase(deps)}/v1/users/resetPassword?code=${encodeURIComponent(code)}`;
  return {
    to,
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of this account. To choose a new one, open this link ` +
      `within ${Math.round(ttlSeconds / 60)} minutes:\n\n${link}\n\nIf it was not you, ignore this message.`,
  };
}

/** Tells the owner that the password or e-mail of the account changed (sent to the old address). */
export function accountChangedMail(_deps: Deps, to: string, what: 'password' | 'email'): Mail {
  const thing = what === 'password' ? 'password' : 'e-mail address';
  return {
    to,
    subject: `Your ${thing} was changed`,
    text:
      `The ${thing} of your account was just changed, and every other session of the account was ended. ` +
      `If it was not you, reset your password at once.`,
  };
}

/** Tells the owner that repeated failed sign-ins locked the account for a while. */
export function accountLockedMail(_deps: Deps, to: string, lockSeconds: number): Mail {
  return {
    to,
    subject: 'Your account was locked',
    text:
      `Several sign-ins with a wrong password were made to your account, so sign-in is paused for ` +
      `${Math.max(1, Math.round(lockSeconds / 60))} minutes. If it was not you, consider resetting your password.`,
  };
}

/** Tells the owner of an address that someone tried to register it again (instead of saying so to them). */
export function registrationAttemptMail(_deps: Deps, to: string): Mail {
  return {
    to,
    subject: 'Someone tried to sign up with your address',
    text:
      `Someone tried to create an account with this e-mail address, which already has one. ` +
      `If it was you, sign in or reset your password instead. If not, you can ignore this message.`,
  };
}

function masked(text: string): string {
  return text.replace(/code=[^\s&]+/g, 'code=…');
}

/** Sends what is pending. A failed send stays pending (sentAt null) and is retried next time. */
export async function deliverOutbox(deps: Deps): Promise<void> {
  const pending = await deps.db.select().from(outbox).where(isNull(outbox.sentAt)).limit(DELIVERY_BATCH).all();
  for (const mail of pending) {
    deps.log.info('mail', { to: mail.to, subject: mail.subject, text: masked(mail.text) });
    await deps.db
      .update(outbox)
      .set({ sentAt: deps.now(), attempts: mail.attempts + 1 })
      .where(and(eq(outbox.id, mail.id), isNull(outbox.sentAt)));
  }
}

export function listOutbox(deps: Deps, to: string | undefined, limit: number): Promise<OutboxRow[]> {
  return deps.db
    .select()
    .from(outbox)
    .where(to ? eq(outbox.to, to) : undefined)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit)
    .all();
}
