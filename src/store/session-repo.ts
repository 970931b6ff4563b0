// Sessions in D1: the conditional insert that starts one only while the user is still as the
// caller read them, and the one bulk revocation (raise the user's token epoch, end their sessions).
import { and, eq, getTableColumns, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { sessions, users } from './schema';

export interface NewSession {
  id: string;
  userId: string;
  kind: 'refresh' | 'user_token';
  rotates: boolean;
  secretHash: string | null;
  expiryType: string | null;
  ttlSeconds: number | null;
  createdAt: number;
  expiresAt: number | null;
}

/** What the caller read of the user; the session starts only if D1 still says the same. */
export interface UserSnapshot {
  tokenEpoch: number;
  /** Checked when given (a login: the token carries the role). */
  role?: string;
  /** Checked when given (a login: the password that was verified). */
  passwordHash?: string | null;
}

/**
 * Inserts the session, stamped with the epoch read, only if the user still exists, is enabled and
 * still has that epoch (and role and password hash, when given). Returns the inserted id: an empty
 * result means the user changed in between and no session exists.
 */
export function insertSessionIfUnchangedQuery(db: Db, row: NewSession, seen: UserSnapshot) {
  // INSERT ... SELECT lists every column of the table in its order: name each one's value.
  const values: Record<keyof typeof sessions.$inferSelect, SQL> = {
    id: sql`${row.id}`,
    userId: sql`${users.id}`,
    kind: sql`${row.kind}`,
    rotates: sql`${row.rotates ? 1 : 0}`,
    secretHash: sql`${row.secretHash}`,
    rotationSalt: sql`null`,
    rotatedAt: sql`null`,
    generation: sql`0`,
    expiryType: sql`${row.expiryType}`,
    ttlSeconds: sql`${row.ttlSeconds}`,
    createdAt: sql`${row.createdAt}`,
    lastUsedAt: sql`${row.createdAt}`,
    expiresAt: sql`${row.expiresAt}`,
    revokedAt: sql`null`,
    revokedReason: sql`null`,
    userEpoch: sql`${users.tokenEpoch}`,
  };
  const columns = Object.keys(getTableColumns(sessions)) as (keyof typeof values)[];
  const role = seen.role === undefined ? sql`` : sql` and ${users.role} = ${seen.role}`;
  const password = seen.passwordHash === undefined ? sql`` : sql` and ${users.passwordHash} is ${seen.passwordHash}`;
  const select = sql`select ${sql.join(
    columns.map((key) => values[key]),
    sql`, `,
  )} from ${users} where ${users.id} = ${row.userId} and ${users.tokenEpoch} = ${seen.tokenEpoch} and ${users.disabled} = 0${role}${password}`;
  return db.insert(sessions).select(select).returning({ id: sessions.id });
}

export interface BulkRevocationOptions {
  /** Extra condition every statement must meet (a one-time code's guard). */
  guard?: SQL;
  /** A session that survives, moved to the new epoch (the caller's own, after a password change). */
  keepSessionId?: string;
}

/** The columns of an ended session that say how long its tokens could still live. */
export const endedSessionColumns = {
  id: sessions.id,
  kind: sessions.kind,
  expiryType: sessions.expiryType,
  ttlSeconds: sessions.ttlSeconds,
  createdAt: sessions.createdAt,
  expiresAt: sessions.expiresAt,
};
export type EndedSession = { id: string; kind: string; expiryType: string | null; ttlSeconds: number | null; createdAt: number; expiresAt: number | null };

/**
 * The bulk revocation, for one D1 batch: raise the user's token epoch (RETURNING the new one) and
 * mark every live session revoked (RETURNING them), and, with `keepSessionId`, move that session
 * to the new epoch. Every token issued before the batch carries a lower `gen` and is dead; every
 * session started after it carries the new epoch.
 */
export function bulkRevocationQueries(db: Db, userId: string, reason: string, now: number, options: BulkRevocationOptions = {}) {
  const guard = options.guard ?? sql`1 = 1`;
  const bump = db
    .update(users)
    .set({ tokenEpoch: sql`${users.tokenEpoch} + 1` })
    .where(and(eq(users.id, userId), guard))
    .returning({ tokenEpoch: users.tokenEpoch });
  const keep = options.keepSessionId;
  const end = db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined, guard))
    .returning(endedSessionColumns);
  if (!keep) return [bump, end] as const;
  const restamp = db
    .update(sessions)
    .set({ userEpoch: sql`(select ${users.tokenEpoch} from ${users} where ${users.id} = ${userId})` })
    .where(and(eq(sessions.id, keep), eq(sessions.userId, userId), isNull(sessions.revokedAt), guard));
  return [bump, end, restamp] as const;
}
