// Custom attributes in D1 (table attributes): the capped upsert, listing and deleting.
import { and, asc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { attributes, type AttributeRow } from './schema';

export type { AttributeRow };

interface NewAttribute {
  id: string;
  userId: string;
  key: string;
  text: string;
  now: number;
}

/**
 * Writes the attribute (a new key, or new text for a key the user has) in one statement, which
 * inserts a new key only while the user holds fewer than `cap` attributes: the cap holds under
 * concurrent writes. Returns the written id; empty when the cap refused a new key.
 */
export function upsertAttributeCapped(db: Db, a: NewAttribute, cap: number): Promise<{ id: string }[]> {
  const values: Record<keyof AttributeRow, SQL> = {
    id: sql`${a.id}`,
    userId: sql`${a.userId}`,
    key: sql`${a.key}`,
    text: sql`${a.text}`,
    createdAt: sql`${a.now}`,
    updatedAt: sql`${a.now}`,
  };
  // The SELECT names every column of the table in its order.
  const columns = Object.keys(getTableColumns(attributes)) as (keyof AttributeRow)[];
  const ofUser = eq(attributes.userId, a.userId);
  const select = sql`select ${sql.join(
    columns.map((column) => values[column]),
    sql`, `,
  )} where (select count(*) from ${attributes} where ${ofUser}) < ${cap} or exists (select 1 from ${attributes} where ${and(ofUser, eq(attributes.key, a.key))})`;
  return db
    .insert(attributes)
    .select(select)
    .onConflictDoUpdate({
      target: [attributes.userId, attributes.key],
      set: { text: sql`excluded.text`, updatedAt: sql`excluded.updated_at` },
    })
    .returning({ id: attributes.id });
}

export function listAttributes(db: Db, userId: string): Promise<AttributeRow[]> {
  return db.select().from(attributes).where(eq(attributes.userId, userId)).orderBy(asc(attributes.key)).all();
}

/** Deletes one of the user's attributes by key or by id. */
export async function deleteAttribute(db: Db, userId: string, target: { key: string } | { id: string }): Promise<void> {
  const match = 'key' in target ? eq(attributes.key, target.key) : eq(attributes.id, target.id);
  await db.delete(attributes).where(and(eq(attributes.userId, userId), match));
}
