// Users and their access grants in D1.
import { and, asc, eq, gt, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db, Guard } from './db';
import { accessGrants, users, type UserRow } from './schema';

export type { UserRow };

export type NewUserRow = typeof users.$inferInsert;
export type UserPatch = Partial<Omit<NewUserRow, 'id' | 'ecosystemId' | 'createdAt'>>;

/**
 * The one normal form of an e-mail address for uniqueness and lookup: NFKC, then lower case.
 * (Usernames and identifiers typed at login go through it too; for ASCII it is just lower case.)
 */
export function emailKeyOf(email: string): string {
  return email.normalize('NFKC').toLowerCase();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function findUserByEmail(db: Db, ecosystemId: string, email: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.ecosystemId, ecosystemId), eq(users.emailKey, emailKeyOf(email))))
    .get();
}

export function findUserByUsername(db: Db, ecosystemId: string, username: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.ecosystemId, ecosystemId), eq(users.usernameKey, username.toLowerCase())))
    .get();
}

export function findUserByUniqueId(db: Db, ecosystemId: string, uniqueId: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.ecosystemId, ecosystemId), eq(users.uniqueId, uniqueId)))
    .get();
}

export function insertUserQuery(db: Db, row: NewUserRow) {
  return db.insert(users).values(row);
}

export function updateUserQuery(db: Db, id: string, patch: UserPatch) {
  return db.update(users).set(patch).where(eq(users.id, id)).returning();
}

/**
 * Updates the user only while their token epoch is still `epoch`: a revocation, role change,
 * disable or password change that landed since the row was read makes it change nothing.
 */
export function updateUserAtEpochQuery(db: Db, id: string, patch: UserPatch, epoch: number) {
  return db.update(users).set(patch).where(and(eq(users.id, id), eq(users.tokenEpoch, epoch))).returning();
}

/** Updates the user only where the guard holds (a one-time code's spend); returns nothing. */
export function updateUserIfQuery(db: Db, id: string, patch: UserPatch, guard: Guard) {
  return db.update(users).set(patch).where(and(eq(users.id, id), guard));
}

/** Replaces the password hash only if it is still the one that was checked (a concurrent change wins). */
export function replacePasswordHashQuery(db: Db, id: string, checkedHash: string, passwordHash: string) {
  return db.update(users).set({ passwordHash }).where(and(eq(users.id, id), eq(users.passwordHash, checkedHash)));
}

/** What a strict revocation check reads of a user: whether disabled, and the token epoch. */
export function findUserStanding(db: Db, id: string): Promise<{ disabled: boolean; tokenEpoch: number } | undefined> {
  return db.select({ disabled: users.disabled, tokenEpoch: users.tokenEpoch }).from(users).where(eq(users.id, id)).get();
}

export function deleteUserQuery(db: Db, id: string) {
  return db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
}

export function replaceGrantsQueries(db: Db, userId: string, grants: { environmentId: string; accessLevel: string }[]) {
  const removal = db.delete(accessGrants).where(eq(accessGrants.userId, userId));
  if (grants.length === 0) return [removal] as const;
  return [removal, db.insert(accessGrants).values(grants.map((grant) => ({ userId, ...grant })))] as const;
}

export function listGrants(db: Db, userId: string) {
  return db
    .select({ environmentId: accessGrants.environmentId, accessLevel: accessGrants.accessLevel })
    .from(accessGrants)
    .where(eq(accessGrants.userId, userId))
    .orderBy(asc(accessGrants.environmentId))
    .all();
}

/** The grants of several users, as rows naming their user. */
export function listGrantsOfUsers(db: Db, userIds: string[]) {
  return db.select().from(accessGrants).where(inArray(accessGrants.userId, userIds)).all();
}

export interface UserPageQuery {
  ecosystemId?: string;
  /** Prefix of the e-mail, username or unique id. */
  prefix?: string;
  /** Only users registered by an application (droplit face): those with a unique id. */
  appUsersOnly?: boolean;
  limit: number;
  /** The last (createdAt, id) of the previous page. */
  after?: { createdAt: number; id: string };
  offset?: number;
}

/**
 * Whether the column starts with the prefix, compared as plain text: no LIKE, so `%`, `_` and `\\`
 * match themselves and D1's 50-byte limit on LIKE patterns never applies. (substr counts
 * characters, as the spread does.)
 */
function startsWith(column: SQLiteColumn, prefix: string) {
  return sql`substr(${column}, 1, ${[...prefix].length}) = ${prefix}`;
}

/** Users in creation order, one page past a keyset cursor (or an offset). */
export function listUsers(db: Db, query: UserPageQuery): Promise<UserRow[]> {
  const conditions = [];
  if (query.ecosystemId !== undefined) conditions.push(eq(users.ecosystemId, query.ecosystemId));
  if (query.appUsersOnly) conditions.push(isNotNull(users.uniqueId));
  if (query.prefix) {
    const key = emailKeyOf(query.prefix);
    conditions.push(
      or(startsWith(users.emailKey, key), startsWith(users.usernameKey, query.prefix.toLowerCase()), startsWith(users.uniqueId, query.prefix)),
    );
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    conditions.push(or(gt(users.createdAt, createdAt), and(eq(users.createdAt, createdAt), gt(users.id, id))));
  }
  return db
    .select()
    .from(users)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .all();
}

export async function countUsers(db: Db, ecosystemId: string): Promise<number> {
  const row = await db
    .select({ count: sql<number>`count(*)` })
    .from(users)
    .where(eq(users.ecosystemId, ecosystemId))
    .get();
  return row?.count ?? 0;
}

