// Reading the event stream: newest first, in keyset pages over (at, id) that stay as fast at a
// million events as at ten (event-repo.ts picks the index). Cursors are opaque to clients.
import { base64url, fromBase64, utf8 } from '../crypto/encoding';
import { listEvents } from '../store/event-repo';
import type { Deps } from './deps';
import { invalidField } from './errors';
import { publicEvent, type PublicEvent } from './events';

export interface EventFilter {
  ecosystemId?: string;
  userId?: string;
  type?: string;
  /** ISO 8601 times (inclusive). */
  since?: string;
  until?: string;
  cursor?: string;
  limit: number;
}

/** The longest id or type a filter may name: longer matches nothing and is refused. */
const FILTER_MAX_CHARS = 128;

function decodeCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = JSON.parse(new TextDecoder().decode(fromBase64(cursor))) as [unknown, unknown];
    if (typeof at === 'number' && typeof id === 'string') return { at, id };
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'is not a cursor this service gave out');
}

function timeOf(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidField(field, 'must be an ISO 8601 time such as 2026-01-31T12:00:00Z');
  return ms;
}

function text(field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > FILTER_MAX_CHARS) throw invalidField(field, `must be at most ${FILTER_MAX_CHARS} characters`);
  return value;
}

/** One page of events, newest first, and the cursor of the next (null at the end). */
export async function pageEvents(deps: Deps, filter: EventFilter): Promise<{ items: PublicEvent[]; nextCursor: string | null }> {
  const rows = await listEvents(deps.db, {
    ecosystemId: text('ecosystemId', filter.ecosystemId),
    userId: text('userId', filter.userId),
    type: text('type', filter.type),
    since: timeOf('since', filter.since),
    until: timeOf('until', filter.until),
    before: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    limit: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > filter.limit && last ? base64url(utf8.encode(JSON.stringify([last.at, last.id]))) : null;
  return { items: page.map(publicEvent), nextCursor };
}
