// Paging through users for operators and the droplit list: keyset cursors over (createdAt, id),
// opaque to clients.
import { base64url, fromBase64, utf8 } from '../crypto/encoding';
import { countUsers, listUsers, listUsersByNumber, type UserRow } from '../store/user-repo';
import { isAdmin, type Actor } from './actors';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

interface UserPage {
  items: UserRow[];
  /** The cursor of the next page, or null at the end. */
  next: string | null;
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(new TextDecoder().decode(fromBase64(cursor))) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'is not a cursor this service gave out');
}

function encodeCursor(user: UserRow): string {
  return base64url(utf8.encode(JSON.stringify([user.createdAt, user.id])));
}

export async function pageUsers(
  deps: Deps,
  query: { ecosystemId?: string; prefix?: string; limit: number; cursor?: string; appUsersOnly?: boolean },
): Promise<UserPage> {
  const items = await listUsers(deps.db, {
    ecosystemId: query.ecosystemId,
    prefix: query.prefix,
    appUsersOnly: query.appUsersOnly,
    limit: query.limit + 1,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
  });
  const more = items.length > query.limit;
  const page = items.slice(0, query.limit);
  return { items: page, next: more ? encodeCursor(page[page.length - 1]!) : null };
}

export interface NumberedPage {
  /** Zero-based page number. */
  index: number;
  size: number;
}

/**
 * One numbered page of an ecosystem's users, for admins (the Gatekeeper's `offset` counts pages):
 * page k holds the users numbered k*size+1 .. (k+1)*size (users.userNumber, given out 1, 2, 3, ...
 * per ecosystem and never reused), one range of an index however deep the page. `total` is the
 * ecosystem's user count and `slots` the last number given out. Until a user is deleted the two
 * agree and this is exactly OFFSET paging; after deletions a page holds fewer users than its size
 * (the deleted users' numbers stay empty) while every user keeps one fixed page, so no one is
 * skipped or shown twice while others register or leave during the paging.
 */
export async function pageUsersByNumber(
  deps: Deps,
  actor: Actor,
  ecosystemId: string,
  page: NumberedPage,
): Promise<{ items: UserRow[]; total: number; slots: number }> {
  if (!isAdmin(actor)) throw new AppError('FORBIDDEN', { reason: 'only admins list users' });
  const after = page.index * page.size;
  const [items, counts] = await Promise.all([
    listUsersByNumber(deps.db, ecosystemId, after, after + page.size),
    countUsers(deps.db, ecosystemId),
  ]);
  return { items, total: counts.count, slots: counts.lastNumber };
}

/** The longest search prefix (`q`): an e-mail's local part and more; longer is a 400, never a slow scan or a 500. */
const SEARCH_PREFIX_MAX_CHARS = 64;

/** Parses a search prefix: absent or empty is no filter, longer than SEARCH_PREFIX_MAX_CHARS is a 400. */
export function searchPrefix(value: string | undefined, field = 'q'): string | undefined {
  if (!value) return undefined;
  if ([...value].length > SEARCH_PREFIX_MAX_CHARS) {
    throw invalidField(field, `must be at most ${SEARCH_PREFIX_MAX_CHARS} characters`);
  }
  return value;
}
