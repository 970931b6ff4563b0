// The event stream's SQL: an event's insert and the queueing of its webhook deliveries (both to run
// in the batch of the change they record), and the newest-first keyset pages of events. Each
// filter combination reads one index range (events_user, events_ecosystem_type, events_ecosystem,
// events_type, events_at); the other filters are tested on the range's rows (the unary `+` keeps
// their indexes out of the planner's choice).
import { and, desc, eq, gte, is, lte, SQL, sql } from 'drizzle-orm';
import type { Db, Guard, Statement } from './db';
import { events, users, webhookDeliveries, webhooks, type EventRow } from './schema';

export type { EventRow };
export type NewEventRow = typeof events.$inferInsert;

/**
 * An event, written only if `guard` holds at that point of the batch (the change took effect).
 * `ecosystemId` may be a statement's reading of it (the ecosystem of a server token being deleted).
 */
export function insertEventQuery(
  db: Db,
  row: Omit<NewEventRow, 'ecosystemId'> & { ecosystemId: string | null | SQL },
  guard?: Guard,
): Statement {
  if (!guard && !is(row.ecosystemId, SQL)) return db.insert(events).values(row as NewEventRow);
  return insertEventSelect(db, row, sql`select ${row.ecosystemId} as e, ${row.userId ?? null} as u`, guard);
}

/**
 * The event of a change to a user, written only if the user (still) exists at that point of the
 * batch and `guard` holds (the change took effect), with the user's ecosystem. Put it before a
 * delete of the user, after an update of it. `userId` may be a statement's reading of it (the user
 * of a session).
 */
export function insertUserEventQuery(
  db: Db,
  row: Omit<NewEventRow, 'ecosystemId' | 'userId'>,
  userId: string | SQL,
  guard?: Guard,
): Statement {
  const user = sql`select ${users.ecosystemId} as e, ${users.id} as u from ${users} where ${users.id} = ${userId}`;
  return insertEventSelect(db, row, user, guard);
}

function insertEventSelect(db: Db, row: Omit<NewEventRow, 'ecosystemId' | 'userId'>, source: SQL, guard?: Guard): Statement {
  // Drizzle names every column of the table, in its order: the select gives them in that order.
  return db.insert(events).select(sql`select ${row.id}, ${row.type}, ${row.at}, src.e, src.u, ${row.actorType}, ${row.actorId ?? null},
      ${row.requestId}, ${row.ip ?? null}, ${row.userAgent ?? null}, ${JSON.stringify(row.details)}
    from (${source}) as src${guard ? sql` where ${guard}` : sql``}`);
}

/** The `guard` of a user event written after an update: the update (stamped `updatedAt`) took effect. */
export function userUpdatedAt(userId: string, updatedAt: number): Guard {
  return sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.updatedAt} = ${updatedAt})`;
}

/**
 * One pending delivery of the event (if the batch wrote it) to every enabled webhook that takes its
 * type (or `*`) in its ecosystem (or in every one), chosen by this one statement: a webhook made or
 * deleted at the same time is either in or out, never half.
 */
export function queueDeliveriesQuery(db: Db, eventId: string, now: number): Statement {
  // Every column, in the table's order: id, webhook, event, status, attempts, next attempt, last attempt/status/error, created, sent.
  return db
    .insert(webhookDeliveries)
    .select(sql`select 'msg_' || lower(hex(randomblob(16))), w.id, e.id, 'pending', 0, ${now}, null, null, null, ${now}, null
    from ${events} e, ${webhooks} w
    where e.id = ${eventId} and w.disabled = 0 and (w.ecosystem_id is null or w.ecosystem_id = e.ecosystem_id)
      and exists (select 1 from json_each(w.events) j where j.value = '*' or j.value = e.type)`);
}

export interface EventPageQuery {
  ecosystemId?: string;
  userId?: string;
  type?: string;
  /** Milliseconds: events at or after this. */
  since?: number;
  /** Milliseconds: events at or before this. */
  until?: number;
  /** The last event of the previous page: this page starts just before it. */
  before?: { at: number; id: string };
  limit: number;
}

/** Newest first, on the index that the most selective filter names. */
export function listEvents(db: Db, query: EventPageQuery): Promise<EventRow[]> {
  const conditions: SQL[] = [];
  // The filters beside the chosen index's own columns are wrapped in `+` so they do not compete for it.
  const byUser = query.userId !== undefined;
  const byEcosystem = !byUser && query.ecosystemId !== undefined;
  if (query.userId !== undefined) conditions.push(eq(events.userId, query.userId));
  if (query.ecosystemId !== undefined)
    conditions.push(byEcosystem ? eq(events.ecosystemId, query.ecosystemId) : sql`+${events.ecosystemId} = ${query.ecosystemId}`);
  if (query.type !== undefined) conditions.push(byUser ? sql`+${events.type} = ${query.type}` : eq(events.type, query.type));
  if (query.since !== undefined) conditions.push(gte(events.at, query.since));
  if (query.until !== undefined) conditions.push(lte(events.at, query.until));
  // A row value: a range of the (…, at, id) index even with bound parameters.
  if (query.before) conditions.push(sql`(${events.at}, ${events.id}) < (${query.before.at}, ${query.before.id})`);
  return db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.at), desc(events.id))
    .limit(query.limit)
    .all();
}
