// Custom attributes of a user: key -> text, unique per user and key. Limits: key up to 128
// characters, text up to 4 KiB, 100 attributes a user; the limit holds under concurrent writes
// because the count is checked inside the one upserting statement.
import { and, asc, eq, sql } from 'drizzle-orm';
import { randomId } from '../crypto/random';
import { attributes, type AttributeRow } from '../store/schema';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';

export const ATTRIBUTE_KEY_MAX_CHARS = 128;
export const ATTRIBUTE_TEXT_MAX_BYTES = 4096;
export const ATTRIBUTES_PER_USER = 100;

/**
 * Characters a key may not hold: NUL and the other C0/C1 controls, and the bidi marks, embeddings,
 * overrides and isolates that make a key display as another (U+200E/F, U+202A-E, U+2066-9).
 */
const FORBIDDEN_KEY_CHARS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export async function setAttribute(deps: Deps, userId: string, key: string, text: string): Promise<void> {
  if (key.length === 0 || [...key].length > ATTRIBUTE_KEY_MAX_CHARS) {
    throw invalidField('attributeKey', `must be 1 to ${ATTRIBUTE_KEY_MAX_CHARS} characters`);
  }
  if (FORBIDDEN_KEY_CHARS.test(key)) {
    throw invalidField('attributeKey', 'must not contain control characters or bidirectional formatting marks');
  }
  if (new TextEncoder().encode(text).length > ATTRIBUTE_TEXT_MAX_BYTES) {
    throw invalidField('attributeText', `must be at most ${ATTRIBUTE_TEXT_MAX_BYTES} bytes`);
  }
  const now = deps.now();
  const written = await deps.db.all<{ id: string }>(sql`
    insert into ${attributes} (id, user_id, key, text, created_at, updated_at)
    select ${randomId()}, ${userId}, ${key}, ${text}, ${now}, ${now}
    where (select count(*) from ${attributes} where user_id = ${userId}) < ${ATTRIBUTES_PER_USER}
       or exists (select 1 from ${attributes} where user_id = ${userId} and key = ${key})
    on conflict (user_id, key) do update set text = excluded.text, updated_at = excluded.updated_at
    returning id`);
  if (written.length === 0) {
    throw new AppError('LIMIT_EXCEEDED', { field: 'attributeKey', reason: `at most ${ATTRIBUTES_PER_USER} attributes a user` });
  }
}

export function listAttributes(deps: Deps, userId: string): Promise<AttributeRow[]> {
  return deps.db.select().from(attributes).where(eq(attributes.userId, userId)).orderBy(asc(attributes.key)).all();
}

/** Deletes one of the user's attributes by key or by id; deleting what is not there is not an error. */
export async function deleteAttribute(deps: Deps, userId: string, target: { key: string } | { id: string }): Promise<void> {
  const match = 'key' in target ? eq(attributes.key, target.key) : eq(attributes.id, target.id);
  await deps.db.delete(attributes).where(and(eq(attributes.userId, userId), match));
}
