// Webhooks and their deliveries. A delivery is claimed by one conditional UPDATE (pending, due, and
// at the attempt count read) that also moves its next attempt to the backoff's time, so two senders
// (the request's deferred job and a Cron run) never both send one attempt, and a sender that dies
// mid-send leaves the delivery for the next run rather than lost.
import { and, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from './db';
import { events, webhookDeliveries, webhooks, type EventRow, type WebhookDeliveryRow, type WebhookRow } from './schema';

export type { WebhookDeliveryRow, WebhookRow };
export type NewWebhookRow = typeof webhooks.$inferInsert;
export type WebhookChanges = Partial<Pick<WebhookRow, 'url' | 'events' | 'ecosystemId' | 'disabled' | 'secret'>>;

export function insertWebhookQuery(db: Db, row: NewWebhookRow) {
  return db.insert(webhooks).values(row).returning();
}

export function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

/** Webhooks are few (the operator's): the newest `limit`. */
export function listWebhooks(db: Db, limit: number): Promise<WebhookRow[]> {
  return db.select().from(webhooks).orderBy(desc(webhooks.createdAt), desc(webhooks.id)).limit(limit).all();
}

export function updateWebhookQuery(db: Db, id: string, changes: WebhookChanges, now: number) {
  return db
    .update(webhooks)
    .set({ ...changes, updatedAt: now })
    .where(eq(webhooks.id, id))
    .returning();
}

/** Deletes the webhook (its deliveries go with it, by the foreign key), RETURNING its id. */
export function deleteWebhookQuery(db: Db, id: string) {
  return db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
}

/** A delivery with what sending it needs: the webhook's URL and secret, and the event. */
export interface DueDelivery {
  delivery: WebhookDeliveryRow;
  url: string;
  secret: string;
  event: EventRow;
}

/** Up to `limit` pending deliveries due at `now`, oldest due first (a range of webhook_deliveries_due). */
export async function dueDeliveries(db: Db, now: number, limit: number): Promise<DueDelivery[]> {
  const rows = await db
    .select({ delivery: webhookDeliveries, url: webhooks.url, secret: webhooks.secret, event: events })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(limit)
    .all();
  return rows;
}

/**
 * Claims the delivery's next attempt: only while it is pending, due and at the attempts read.
 * Counts the attempt and moves the next one to `retryAt` (so a sender that dies leaves it due then).
 */
export async function claimDelivery(db: Db, due: WebhookDeliveryRow, now: number, retryAt: number): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ attempts: due.attempts + 1, nextAttemptAt: retryAt, lastAttemptAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, due.id),
        eq(webhookDeliveries.status, 'pending'),
        eq(webhookDeliveries.attempts, due.attempts),
        lte(webhookDeliveries.nextAttemptAt, now),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length === 1;
}

/** Records an attempt's outcome: sent, failed for good, or pending until its next attempt. */
export async function recordAttempt(
  db: Db,
  id: string,
  outcome: { status: 'sent' | 'failed' | 'pending'; httpStatus: number | null; error: string | null; now: number },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      status: outcome.status,
      lastStatus: outcome.httpStatus,
      lastError: outcome.error,
      ...(outcome.status === 'sent' ? { sentAt: outcome.now } : {}),
    })
    .where(eq(webhookDeliveries.id, id));
}

/** A webhook's newest deliveries (a range of webhook_deliveries_webhook). */
export function listDeliveries(db: Db, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit)
    .all();
}

/** Makes a failed (or waiting) delivery due now, with a fresh count of attempts; RETURNING it (none if sent or unknown). */
export function requeueDelivery(db: Db, webhookId: string, id: string, now: number) {
  return db
    .update(webhookDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.webhookId, webhookId),
        inArray(webhookDeliveries.status, ['failed', 'pending']),
      ),
    )
    .returning();
}

export function findDelivery(db: Db, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)))
    .get();
}
