// Mail goes to the outbox table in the same batch as the code it carries, then to a transport.
// The `log` transport (the only one so far) marks it sent and prints recipient and subject, with
// codes masked: the full text is read from the outbox (GET /admin/v1/outbox), never from logs.
import { and, desc, eq, isNull } from 'drizzle-orm';
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

export function confirmationMail(deps: Deps, to: string, code: string): Mail {
  const link = `${deps.publicUrl}/v1/users/activate?code=${encodeURIComponent(code)}`;
  return {
    to,
    subject: 'Confirm your e-mail address',
    text: `Welcome! Confirm your e-mail address by opening this link:\n\n${link}\n\nIf you did not sign up, ignore this message.`,
  };
}

export function resetMail(deps: Deps, to: string, code: string, ttlSeconds: number): Mail {
  const link = `${deps.publicUrl}/v1/users/resetPassword?code=${encodeURIComponent(code)}`;
  return {
    to,
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of this account. To choose a new one, open this link ` +
      `within ${Math.round(ttlSeconds / 60)} minutes:\n\n${link}\n\nIf it was not you, ignore this message.`,
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
