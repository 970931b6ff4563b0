// Mail goes to the outbox table in the same batch as the code it carries; after the response
// (deps.defer) and on every Cron run, due rows are claimed one attempt at a time and handed to
// the transport. A failed or unanswered attempt leaves the row pending with a later next attempt
// (backoff); after MAIL_MAX_ATTEMPTS it is marked failed for the operator, who may retry it.
import { randomId, randomToken } from '../crypto/random';
import type { Guard } from '../store/db';
import * as repo from '../store/outbox-repo';
import type { OutboxRow } from '../store/outbox-repo';

export type { OutboxRow };
import type { Deps } from './deps';
import { AppError } from './errors';
import type { Mail } from './mail-templates';
import { SendFailure, transmit } from './mail-transports';

export * from './mail-templates';
export { OUTBOX_STATUSES, type OutboxStatus } from '../store/outbox-repo';

/** Minutes to wait after the n-th failed attempt (the last value repeats). */
const BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720, 1440];
/**
 * At most this many messages a stranger can cause (reset and confirmation links, the notices of a
 * repeated sign-up and of a lock) go to one recipient per MAIL_LIMIT_WINDOW_MS; past it they are
 * dropped silently, so the answer to the request that asked stays the same.
 */
export const MAIL_PER_RECIPIENT_LIMIT = 5;
const MAIL_LIMIT_WINDOW_MS = 3_600_000;
/** How many due rows one run after a response looks at; the Cron run takes more. */
const AFTER_RESPONSE_BATCH = 10;

export function outboxInsertQuery(deps: Deps, mail: Mail) {
  return repo.insertMailQuery(deps.db, { id: randomId(), ...mail, createdAt: deps.now() });
}

/**
 * outboxInsertQuery for a message anyone may cause to be sent to someone else: queued only while
 * its recipient has had fewer than MAIL_PER_RECIPIENT_LIMIT messages in the last hour.
 */
export function limitedOutboxInsertQuery(deps: Deps, mail: Mail | Omit<repo.LimitedMail, 'id' | 'createdAt'>, guard?: Guard) {
  const now = deps.now();
  return repo.insertMailWithinLimitQuery(
    deps.db,
    { id: randomId(), ...mail, createdAt: now },
    MAIL_PER_RECIPIENT_LIMIT,
    now - MAIL_LIMIT_WINDOW_MS,
    guard,
  );
}

function backoffMs(attempt: number): number {
  return BACKOFF_MINUTES[Math.min(attempt, BACKOFF_MINUTES.length) - 1]! * 60_000;
}

function failureReason(error: unknown): string {
  if (error instanceof SendFailure) return error.message;
  return `unexpected error (${error instanceof Error ? error.name : typeof error})`;
}

/** One attempt at one due row, and its outcome; null when another sender took the attempt. */
async function attempt(deps: Deps, due: { id: string; attempts: number }): Promise<'sent' | 'pending' | 'failed' | null> {
  const claim = randomToken(16);
  const now = deps.now();
  const row = await repo.claimMail(deps.db, due, now, claim, now + backoffMs(due.attempts + 1));
  if (!row) return null;
  const max = deps.config.mail.maxAttempts;
  if (row.attempts > max) {
    // A sender died holding the last attempt: its outcome is unknown, and no attempts are left.
    await repo.finishMailAttempt(deps.db, row.id, claim, { status: 'failed', lastError: row.lastError ?? 'attempts exhausted' });
    return 'failed';
  }
  const { mail } = deps.config;
  try {
    await transmit(deps, { ...row, from: mail.from, fromAddress: mail.fromAddress, date: now });
  } catch (error) {
    const status = row.attempts >= max ? 'failed' : 'pending';
    const reason = failureReason(error);
    deps.log.error('mail_send_failed', { id: row.id, attempt: row.attempts, status, reason });
    await repo.finishMailAttempt(deps.db, row.id, claim, { status, lastError: reason });
    return status;
  }
  await repo.finishMailAttempt(deps.db, row.id, claim, { status: 'sent', sentAt: deps.now() });
  return 'sent';
}

interface DeliveryCounts {
  sent: number;
  pending: number;
  failed: number;
}

/** Sends what is due, one claimed attempt per row; never throws (a failure waits for the next run). */
export async function deliverOutbox(deps: Deps, limit = AFTER_RESPONSE_BATCH): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { sent: 0, pending: 0, failed: 0 };
  try {
    for (const due of await repo.dueMail(deps.db, deps.now(), limit)) {
      const outcome = await attempt(deps, due);
      if (outcome) counts[outcome] += 1;
    }
  } catch (error) {
    deps.log.error('mail_delivery_failed', { error: error instanceof Error ? error.name : 'Error' });
  }
  return counts;
}

/** The operator's retry: a failed (or waiting) message becomes due now, with its attempts reset. */
export async function retryMail(deps: Deps, id: string): Promise<OutboxRow> {
  const row = await repo.requeueMail(deps.db, id, deps.now());
  if (row) {
    deps.defer('deliver_mail', () => deliverOutbox(deps));
    return row;
  }
  const current = await repo.findMail(deps.db, id);
  if (!current) throw new AppError('MAIL_NOT_FOUND');
  if (current.status === 'sent') throw new AppError('MAIL_ALREADY_SENT');
  return current; // an attempt is under way: its outcome decides what comes next
}

export function listOutbox(deps: Deps, filter: { to?: string; status?: repo.OutboxStatus }, limit: number): Promise<OutboxRow[]> {
  return repo.listMail(deps.db, filter, limit);
}

export function outboxBacklog(deps: Deps): Promise<{ pending: number; failed: number }> {
  return repo.mailBacklog(deps.db);
}
