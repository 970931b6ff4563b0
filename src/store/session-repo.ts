// Sessions and spent secrets in D1: the conditional insert that starts a session only while the
// user is still as the caller read them, the rotation's compare-and-set, ending one session, and
// the one bulk revocation (raise the user's token epoch, end their sessions).
import { and, desc, eq, getTableColumns, gt, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { sessions, spentSecrets, users, type SessionRow } from './schema';

export type { SessionRow };

interface NewSession {
  id: string;
  userId: string;
  kind: 'refresh' | 'user_token' | 'browser';
  rotates: boolean;
  secretHash: string | null;
  expiryType: string | null;
  ttlSeconds: number | null;
  createdAt: number;
  expiresAt: number | null;
  /** The OAuth client the session is bound to (authorization_code grant), else null. */
  clientId?: string | null;
}

/** What the caller read of the user; the session starts only if D1 still says the same. */
interface UserSnapshot {
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
    clientId: sql`${row.clientId ?? null}`,
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
  guard?: Guard;
  /** A session that survives, moved to the new epoch (the caller's own, after a password change). */
  keepSessionId?: string;
}

/** The columns of an ended session that say how long its tokens could still live. */
const endedSessionColumns = {
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

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.select().from(sessions).where(eq(sessions.id, id)).get();
}

/** Whether the session has spent a secret with this hash (a replay, after the grace window). */
export async function isSpentSecret(db: Db, sessionId: string, secretHash: string): Promise<boolean> {
  const row = await db
    .select({ hash: spentSecrets.secretHash })
    .from(spentSecrets)
    .where(and(eq(spentSecrets.sessionId, sessionId), eq(spentSecrets.secretHash, secretHash)))
    .get();
  return row !== undefined;
}

interface Rotation {
  /** The hash the row must still hold for the swap to happen. */
  fromHash: string;
  toHash: string;
  salt: string;
  generation: number;
  now: number;
}

/**
 * A rotation, for one batch: record the current secret as spent, then swap it for the successor
 * if it is still the current one (RETURNING the id: empty when another request swapped it first).
 */
export function rotateSessionQueries(db: Db, sessionId: string, r: Rotation) {
  return [
    db.insert(spentSecrets).values({ sessionId, secretHash: r.fromHash }).onConflictDoNothing(),
    db
      .update(sessions)
      .set({ secretHash: r.toHash, rotationSalt: r.salt, rotatedAt: r.now, generation: r.generation, lastUsedAt: r.now })
      .where(and(eq(sessions.id, sessionId), eq(sessions.secretHash, r.fromHash), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id }),
  ] as const;
}

/** Records a use of a live session; RETURNING nothing when it was revoked meanwhile. */
export function touchSessionQuery(db: Db, id: string, now: number) {
  return db
    .update(sessions)
    .set({ lastUsedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
}

/** Marks one session revoked, RETURNING its row (empty when there is no such session). */
export function revokeSessionQuery(db: Db, id: string, reason: string, now: number) {
  return db.update(sessions).set({ revokedAt: now, revokedReason: reason }).where(eq(sessions.id, id)).returning();
}

/**
 * Marks one live session of this user revoked, RETURNING its row: empty when the id names no live
 * session of theirs (another user's session stays as it is).
 */
export function revokeUserSessionQuery(db: Db, userId: string, id: string, reason: string, now: number) {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning();
}

/** A user's sessions not revoked and not expired at `now`, newest first. */
export function listLiveSessions(db: Db, userId: string, now: number): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), or(isNull(sessions.expiresAt), gt(sessions.expiresAt, now))))
    .orderBy(desc(sessions.createdAt))
    .all();
}

/** When the session was revoked (null: it is not), or undefined when there is no such session. */
export async function sessionRevokedAt(db: Db, id: string): Promise<number | null | undefined> {
  const row = await db.select({ revokedAt: sessions.revokedAt }).from(sessions).where(eq(sessions.id, id)).get();
  return row ? row.revokedAt : undefined;
}
