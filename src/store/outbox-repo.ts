// The outbox's SQL: queueing, claiming an attempt, recording its outcome, the operator's views.
import { and, count, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { outbox, type OutboxRow } from './schema';

export type { OutboxRow };

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

interface NewMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: number;
}

/** A message whose recipient and body may be SQL its statement evaluates. */
export interface LimitedMail {
  id: string;
  to: string | SQL;
  subject: string;
  text: string | SQL;
  html: string | SQL;
  createdAt: number;
}

/** `text` with every `placeholder` replaced by what `value` (SQL) yields when its statement runs. */
export function filledIn(text: string, placeholder: string, value: SQL): SQL {
  return sql`replace(${text}, ${placeholder}, ${value})`;
}

/** Queues a message, due at once (run it in the batch that writes what the mail carries). */
export function insertMailQuery(db: Db, mail: NewMail) {
  return db.insert(outbox).values({ ...mail, status: 'pending', nextAttemptAt: mail.createdAt });
}

/**
 * Queues a message only while `to` has been queued fewer than `max` messages since `since`: one
 * conditional INSERT ... SELECT, so requests racing each other count exactly (D1 runs statements
 * one at a time). The count reads the `outbox_to` index (to, created_at) and stops at `max`.
 * `to`, `text` and `html` may be SQL the statement evaluates (a recipient read from its row, a
 * figure its batch has just written), and `guard` a further condition: the statement then queues
 * nothing unless it holds, yet costs the same either way.
 */
export function insertMailWithinLimitQuery(db: Db, mail: LimitedMail, max: number, since: number, guard?: Guard) {
  const recent = sql`select 1 from ${outbox} where ${outbox.to} = ${mail.to} and ${outbox.createdAt} > ${since} limit ${max}`;
  // Every column, in the schema's order (drizzle lists them all for an INSERT ... SELECT).
  return db.insert(outbox).select(
    sql`select ${mail.id}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html}, ${mail.createdAt}, 'pending', 0, ${mail.createdAt}, null, null, null
      where (select count(*) from (${recent})) < ${max}${guard ? sql` and (${guard})` : sql``}`,
  );
}

/** Pending rows whose next attempt is due, oldest first. */
export function dueMail(db: Db, now: number, limit: number): Promise<{ id: string; attempts: number }[]> {
  return db
    .select({ id: outbox.id, attempts: outbox.attempts })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(outbox.nextAttemptAt)
    .limit(limit)
    .all();
}

/**
 * Takes the next attempt of a due row, or returns null when another sender took it first: one
 * conditional UPDATE counts the attempt, stamps the claim and pushes the row's next attempt to
 * `retryAt`, so until then no other sender picks it up.
 */
export async function claimMail(
  db: Db,
  due: { id: string; attempts: number },
  now: number,
  claim: string,
  retryAt: number,
): Promise<OutboxRow | null> {
  const [row] = await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, claim, nextAttemptAt: retryAt })
    .where(and(eq(outbox.id, due.id), eq(outbox.status, 'pending'), eq(outbox.attempts, due.attempts), lte(outbox.nextAttemptAt, now)))
    .returning();
  return row ?? null;
}

/** Records the attempt's outcome, if the claim still holds. */
export function finishMailAttempt(
  db: Db,
  id: string,
  claim: string,
  outcome: { status: OutboxStatus; sentAt?: number; lastError?: string | null },
) {
  return db
    .update(outbox)
    .set({ status: outcome.status, sentAt: outcome.sentAt ?? null, lastError: outcome.lastError ?? null, claim: null })
    .where(and(eq(outbox.id, id), eq(outbox.claim, claim)));
}

/**
 * Makes a failed row, or a pending one no sender holds, due now with a fresh count of attempts.
 * A row whose attempt is under way, or that was sent, stays as it is (null).
 */
export async function requeueMail(db: Db, id: string, now: number): Promise<OutboxRow | null> {
  const [row] = await db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claim: null })
    .where(and(eq(outbox.id, id), or(eq(outbox.status, 'failed'), and(eq(outbox.status, 'pending'), isNull(outbox.claim)))))
    .returning();
  return row ?? null;
}

export function findMail(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

export function listMail(db: Db, filter: { to?: string; status?: OutboxStatus }, limit: number): Promise<OutboxRow[]> {
  const conditions = [filter.to ? eq(outbox.to, filter.to) : undefined, filter.status ? eq(outbox.status, filter.status) : undefined];
  return db
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit)
    .all();
}

/** How many rows are pending and failed: the backlog the health check reports. */
export async function mailBacklog(db: Db): Promise<{ pending: number; failed: number }> {
  const rows = await db
    .select({ status: outbox.status, n: count() })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'failed']))
    .groupBy(outbox.status)
    .all();
  const of = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
  return { pending: of('pending'), failed: of('failed') };
}
