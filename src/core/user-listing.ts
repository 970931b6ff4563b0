// Paging through users for operators and the droplit list: keyset cursors over (createdAt, id),
// opaque to clients.
import { base64url, fromBase64, utf8 } from '../crypto/encoding';
import { listUsers, type UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { invalidField } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export interface UserPage {
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

/** The longest search prefix (`q`): an e-mail's local part and more; longer is a 400, never a slow scan or a 500. */
export const SEARCH_PREFIX_MAX_CHARS = 64;

/** Parses a search prefix: absent or empty is no filter, longer than SEARCH_PREFIX_MAX_CHARS is a 400. */
export function searchPrefix(value: string | undefined, field = 'q'): string | undefined {
  if (!value) return undefined;
  if ([...value].length > SEARCH_PREFIX_MAX_CHARS) {
    throw invalidField(field, `must be at most ${SEARCH_PREFIX_MAX_CHARS} characters`);
  }
  return value;
}
