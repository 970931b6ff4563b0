// Sessions and spent secrets in D1: the conditional insert that starts a session only while the
// user is still as the caller read them, the rotation's compare-and-set, ending one session, and
// the one bulk revocation (raise the user's token epoch, end their sessions).
import { and, desc, eq, getTableColumns, gt, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { sessions, spentSecrets, users, type SessionRow, type UserRow } from './schema';

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
  /** How the person proved who they are (RFC 8176 `amr`, JSON text), else null. */
  amr?: string | null;
  /** The scopes granted to that client (space-separated), else null. */
  scope?: string | null;
  /** The browser session whose sign-in the code grant rests on, else null. */
  originSessionId?: string | null;
  /** The upstream identity provider of the sign-in, else null. */
  idp?: string | null;
}

/** What the caller read of the user; the session starts only if D1 still says the same. */
export interface UserSnapshot {
  tokenEpoch: number;
  /** Checked when given (a login: the token carries the role). */
  role?: string;
  /** Checked when given (a login: the password that was verified). */
  passwordHash?: string | null;
  /** A further condition for the session to start (a sign-in: no lock on the account or client). */
  guard?: Guard;
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
    amr: sql`${row.amr ?? null}`,
    scope: sql`${row.scope ?? null}`,
    originSessionId: sql`${row.originSessionId ?? null}`,
    idp: sql`${row.idp ?? null}`,
  };
  const columns = Object.keys(getTableColumns(sessions)) as (keyof typeof values)[];
  const role = seen.role === undefined ? sql`` : sql` and ${users.role} = ${seen.role}`;
  const password = seen.passwordHash === undefined ? sql`` : sql` and ${users.passwordHash} is ${seen.passwordHash}`;
  const guard = seen.guard === undefined ? sql`` : sql` and ${seen.guard}`;
  const select = sql`select ${sql.join(
    columns.map((key) => values[key]),
    sql`, `,
  )} from ${users} where ${users.id} = ${row.userId} and ${users.tokenEpoch} = ${seen.tokenEpoch} and ${users.disabled} = 0${role}${password}${guard}`;
  return db.insert(sessions).select(select).returning({ id: sessions.id });
}

/** A guard: the session with this id exists (so a statement takes effect only if it was started). */
export function sessionStartedGuard(sessionId: string): Guard {
  return sql`exists (select 1 from ${sessions} where ${sessions.id} = ${sessionId})`;
}

/**
 * Ends the user's oldest live sign-in sessions (refresh and browser) beyond the newest `keep`,
 * the session `newId` not counted among them, only if it was started: RETURNING the ended ones.
 * Writes nothing while the user has no more than `keep` others.
 */
export function endSessionsBeyondQuery(db: Db, userId: string, newId: string, keep: number, now: number) {
  const live = sql`${sessions.userId} = ${userId} and ${sessions.id} <> ${newId} and ${sessions.kind} in ('refresh', 'browser') and ${sessions.revokedAt} is null and (${sessions.expiresAt} is null or ${sessions.expiresAt} > ${now})`;
  const beyond = sql`select ${sessions.id} from ${sessions} where ${live} order by ${sessions.createdAt} desc, rowid desc limit -1 offset ${keep}`;
  return db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: 'session_limit' }) // A RevocationReason (core/changes.ts).
    .where(and(sql`${sessions.id} in (${beyond})`, sessionStartedGuard(newId)))
    .returning(endedSessionColumns);
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
export type EndedSession = {
  id: string;
  kind: string;
  expiryType: string | null;
  ttlSeconds: number | null;
  createdAt: number;
  expiresAt: number | null;
};

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

/**
 * Whether the session spent a secret with this hash before spent secrets were recognised by their
 * tag: the rows written then are still read (a replay of such a secret), none are written now.
 */
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
  now: number;
}

/**
 * Swaps the current secret for a successor if it is still the current one (compare-and-set),
 * RETURNING the id: empty when another request swapped it first. One row written, whatever the
 * number of refreshes: spent secrets are recognised by their tag (core/sessions.ts), not by a row.
 */
export function rotateSessionQuery(db: Db, sessionId: string, r: Rotation) {
  return db
    .update(sessions)
    .set({ secretHash: r.toHash, rotationSalt: r.salt, rotatedAt: r.now, generation: sql`${sessions.generation} + 1`, lastUsedAt: r.now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.secretHash, r.fromHash), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
}

export interface RefreshAttempt {
  sessionId: string;
  /** The presented secret's hash. */
  fromHash: string;
  now: number;
  /** The successor, taken only if the session rotates. */
  successor: { toHash: string; salt: string };
  /** Only a session that rotates (true) or that does not (false); any when absent. */
  rotates?: boolean;
}

/**
 * A refresh in one D1 round trip: if the presented secret is the session's current one and the
 * session is a live refresh session bound to no client, swap in the successor (a rotating session,
 * compare-and-set on the hash) or only record the use (one that does not rotate); then read the
 * session and its user as they are after that. `used` tells whether the update matched; when it did
 * not, the row read says why (a race lost within the grace window, a spent secret, a revoked or
 * client-bound session). One row written, however many refreshes: a spent secret is recognised by
 * its tag (core/sessions.ts), not by a row of its own.
 */
export async function refreshInOneTrip(
  db: Db,
  a: RefreshAttempt,
): Promise<{ used: boolean; session: SessionRow | undefined; user: UserRow | undefined }> {
  const rotating = sql`${sessions.rotates} = 1`;
  const use = db
    .update(sessions)
    .set({
      secretHash: sql`case when ${rotating} then ${a.successor.toHash} else ${sessions.secretHash} end`,
      rotationSalt: sql`case when ${rotating} then ${a.successor.salt} else ${sessions.rotationSalt} end`,
      rotatedAt: sql`case when ${rotating} then ${a.now} else ${sessions.rotatedAt} end`,
      generation: sql`${sessions.generation} + ${sessions.rotates}`,
      lastUsedAt: a.now,
    })
    .where(
      and(
        eq(sessions.id, a.sessionId),
        eq(sessions.kind, 'refresh'),
        a.rotates === undefined ? undefined : eq(sessions.rotates, a.rotates),
        eq(sessions.secretHash, a.fromHash),
        isNull(sessions.revokedAt),
        or(isNull(sessions.expiresAt), gt(sessions.expiresAt, a.now)),
        isNull(sessions.clientId),
      ),
    )
    .returning({ id: sessions.id });
  // Two reads rather than a join: D1 hands a batch's rows back as objects, where the two tables'
  // same-named columns (id, created_at) would overwrite each other.
  const session = db.select().from(sessions).where(eq(sessions.id, a.sessionId));
  const user = db
    .select()
    .from(users)
    .where(eq(users.id, sql`(select ${sessions.userId} from ${sessions} where ${sessions.id} = ${a.sessionId})`));
  const [used, [row], [owner]] = await db.batch([use, session, user]);
  return { used: used.length === 1, session: row, user: owner };
}

/** Records a use of a live session; RETURNING nothing when it was revoked meanwhile. */
export function touchSessionQuery(db: Db, id: string, now: number) {
  return db
    .update(sessions)
    .set({ lastUsedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
}

/**
 * Marks one live session revoked and, in the same statement, the live sessions started from it (the
 * code grant's, originSessionId): RETURNING the rows it ended (empty when it was not live).
 */
export function revokeSessionAndItsOffspringQuery(db: Db, id: string, reason: string, now: number) {
  const live = sql`(select ${sessions.id} from ${sessions} where ${sessions.id} = ${id} and ${sessions.revokedAt} is null)`;
  return db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        isNull(sessions.revokedAt),
        or(eq(sessions.id, id), and(sql`${sessions.originSessionId} is not null`, sql`${sessions.originSessionId} in ${live}`)),
      ),
    )
    .returning();
}

/** Marks one session revoked, RETURNING its row (empty when there is no such session). */
export function revokeSessionQuery(db: Db, id: string, reason: string, now: number) {
  return db.update(sessions).set({ revokedAt: now, revokedReason: reason }).where(eq(sessions.id, id)).returning();
}

/** The user of a session, as an event statement's user (event-repo.ts insertUserEventQuery). */
export function userOfSession(id: string): SQL {
  return sql`(select ${sessions.userId} from ${sessions} where ${sessions.id} = ${id})`;
}

/** A guard: the session was revoked at `now` for `reason` (by the statement before it in the batch). */
export function sessionRevokedGuard(id: string, reason: string, now: number): Guard {
  return sql`exists (select 1 from ${sessions} where ${sessions.id} = ${id} and ${sessions.revokedAt} = ${now} and ${sessions.revokedReason} = ${reason})`;
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
