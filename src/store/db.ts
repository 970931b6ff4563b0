// The Drizzle handle over D1, and the one place that recognises D1's constraint errors.
import { sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { schema } from './schema';

export type Db = DrizzleD1Database<typeof schema>;

/** One statement a repository built, to run alone or as an item of one `db.batch`. */
export type Statement = BatchItem<'sqlite'>;

/** A batch: at least one statement. */
export type Batch = [Statement, ...Statement[]];

/**
 * An extra condition a repository adds to a statement's WHERE, so a batch's statements take effect
 * only together with another (a one-time code's spend: see code-repo.ts). Opaque to the core.
 */
export type Guard = SQL;

/** A subquery a store function built for the core to pass on to another (the core builds no SQL). */
export type Subquery = SQL;

/** Guards that must all hold. */
export function allGuards(guards: readonly Guard[]): Guard {
  return sql.join(
    guards.map((guard) => sql`(${guard})`),
    sql` and `,
  );
}

const handles = new WeakMap<D1Database, Db>();

/** The Drizzle handle of a D1 binding, made once per binding: building one costs about 10 µs. */
export function openDb(d1: D1Database): Db {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
}

/** The `table.column` list of a UNIQUE constraint failure, or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const match = /UNIQUE constraint failed: ([\w., ]+)/.exec(cause.message);
    if (match) return match[1]!;
  }
  return null;
}

/** Whether the error is a FOREIGN KEY constraint failure (a row naming one that does not exist). */
export function isForeignKeyViolation(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause.message.includes('FOREIGN KEY constraint failed')) return true;
  }
  return false;
}
