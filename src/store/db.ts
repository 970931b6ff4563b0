// The Drizzle handle over D1, and the one place that recognises D1's constraint errors.
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { schema } from './schema';

export type Db = DrizzleD1Database<typeof schema>;

export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** The `table.column` list of a UNIQUE constraint failure, or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const match = /UNIQUE constraint failed: ([\w., ]+)/.exec(cause.message);
    if (match) return match[1]!;
  }
  return null;
}
