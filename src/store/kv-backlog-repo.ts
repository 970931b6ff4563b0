// Revocation marks waiting to be written to KV again (see `kvBacklog` in schema.ts).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { kvBacklog } from './schema';

export type BacklogRow = typeof kvBacklog.$inferSelect;

/** Keeps a mark for the next Cron run; a newer (numerically larger) value of the key wins. */
export async function rememberUnpublished(db: Db, row: BacklogRow): Promise<void> {
  await db
    .insert(kvBacklog)
    .values(row)
    .onConflictDoUpdate({
      target: kvBacklog.key,
      set: {
        value: sql`case when cast(excluded.value as integer) >= cast(${kvBacklog.value} as integer) then excluded.value else ${kvBacklog.value} end`,
        expiresAt: sql`excluded.expires_at`,
      },
    });
}

export function oldestUnpublished(db: Db, limit: number): Promise<BacklogRow[]> {
  return db.select().from(kvBacklog).orderBy(asc(kvBacklog.createdAt)).limit(limit).all();
}

/** Forgets a mark once written, unless a newer value of its key arrived meanwhile. */
export async function forgetPublished(db: Db, row: Pick<BacklogRow, 'key' | 'value'>): Promise<void> {
  await db.delete(kvBacklog).where(and(eq(kvBacklog.key, row.key), eq(kvBacklog.value, row.value)));
}
