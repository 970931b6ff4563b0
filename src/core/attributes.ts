// Custom attributes of a user: key -> text, unique per user and key. Limits: key up to 128
// characters, text up to 4 KiB, 100 attributes a user; the limit holds under concurrent writes
// because the count is checked inside the one upserting statement.
import { randomId } from '../crypto/random';
import * as repo from '../store/attribute-repo';
import type { AttributeRow } from '../store/attribute-repo';

export type { AttributeRow };
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';

const ATTRIBUTE_KEY_MAX_CHARS = 128;
const ATTRIBUTE_TEXT_MAX_BYTES = 4096;
const ATTRIBUTES_PER_USER = 100;

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
  const written = await repo.upsertAttributeCapped(deps.db, { id: randomId(), userId, key, text, now: deps.now() }, ATTRIBUTES_PER_USER);
  if (written.length === 0) {
    throw new AppError('LIMIT_EXCEEDED', { field: 'attributeKey', reason: `at most ${ATTRIBUTES_PER_USER} attributes a user` });
  }
}

export function listAttributes(deps: Deps, userId: string): Promise<AttributeRow[]> {
  return repo.listAttributes(deps.db, userId);
}

/** Deletes one of the user's attributes by key or by id; deleting what is not there is not an error. */
export function deleteAttribute(deps: Deps, userId: string, target: { key: string } | { id: string }): Promise<void> {
  return repo.deleteAttribute(deps.db, userId, target);
}
