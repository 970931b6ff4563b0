// What the health check asks D1: that it answers, and the newest migration wrangler applied.
import { sql } from 'drizzle-orm';
import type { Db } from './db';

/** The newest applied migration's name (wrangler's d1_migrations table), or null if none is recorded. */
export async function latestMigration(db: Db): Promise<string | null> {
  const row = await db.get<{ name: string }>(sql`select name from d1_migrations order by id desc limit 1`);
  return row?.name ?? null;
}
