// Users and their access grants in D1.
import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db, Guard } from './db';
import { accessGrants, ecosystems, users, type UserRow } from './schema';

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

/** How a sign-in names its user: by e-mail, by username, or typed as either. */
export type UserLookup = { email: string } | { username: string } | { emailOrUsername: string };

/**
 * The conditions that find the user a sign-in names, in order of preference. Typed as "e-mail or
 * username" with an `@`: the e-mail's owner first, else the username's; both lookups always run,
 * so a known and an unknown address cost the same (a second lookup only for unknown ones was a
 * timing oracle).
 */
function lookupConditions(ecosystemId: string, id: UserLookup): SQL[] {
  const byEmail = (email: string) => and(eq(users.ecosystemId, ecosystemId), eq(users.emailKey, emailKeyOf(email)))!;
  const byUsername = (username: string) => and(eq(users.ecosystemId, ecosystemId), eq(users.usernameKey, username.toLowerCase()))!;
  if ('email' in id) return [byEmail(id.email)];
  if ('username' in id) return [byUsername(id.username)];
  return id.emailOrUsername.includes('@')
    ? [byEmail(id.emailOrUsername), byUsername(id.emailOrUsername)]
    : [byUsername(id.emailOrUsername)];
}

/** The lookups of a sign-in, each a query of at most one user, for the caller's batch. */
export function userLookupQueries(db: Db, ecosystemId: string, id: UserLookup) {
  return lookupConditions(ecosystemId, id).map((where) => db.select().from(users).where(where).limit(1));
}

/** The ids of every user the lookups find (a subquery: the failure rows a sign-in reads with them). */
export function userLookupIds(ecosystemId: string, id: UserLookup): SQL {
  return sql.join(
    lookupConditions(ecosystemId, id).map((where) => sql`select * from (select ${users.id} as id from ${users} where ${where} limit 1)`),
    sql` union all `,
  );
}

/** The user the lookups' results name: the first that found one. */
export function userOfLookups(results: UserRow[][]): UserRow | undefined {
  return results.find((rows) => rows.length > 0)?.[0];
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

/** Inserts the user unless its ecosystem already has a user with its address (then nothing; no error). */
export function insertUserUnlessAddressTakenQuery(db: Db, row: NewUserRow) {
  return db
    .insert(users)
    .values(row)
    .onConflictDoNothing({ target: [users.ecosystemId, users.emailKey] })
    .returning();
}

/** The user holding an address in an ecosystem, as a condition on its state. */
function holderOf(ecosystemId: string, emailKey: string): SQL {
  return sql`${users.ecosystemId} = ${ecosystemId} and ${users.emailKey} = ${emailKey}`;
}

/** The id of the unconfirmed user holding this address (none if it is free or confirmed), as a subquery. */
export function pendingHolderIds(ecosystemId: string, emailKey: string): SQL {
  return sql`select ${users.id} from ${users} where ${holderOf(ecosystemId, emailKey)} and ${users.confirmed} = 0`;
}

/** The id of the confirmed user holding this address (none if it is free or pending), as a subquery. */
export function confirmedHolderIds(ecosystemId: string, emailKey: string): SQL {
  return sql`select ${users.id} from ${users} where ${holderOf(ecosystemId, emailKey)} and ${users.confirmed} = 1`;
}

/** The id of whoever holds this address, confirmed or not, as a scalar subquery (null if nobody). */
export function holderId(ecosystemId: string, emailKey: string): SQL {
  return sql`(select ${users.id} from ${users} where ${holderOf(ecosystemId, emailKey)})`;
}

/** The stored spelling of the address of whoever holds it, as a scalar subquery (null if nobody). */
export function holderAddress(ecosystemId: string, emailKey: string): SQL {
  return sql`(select ${users.email} from ${users} where ${holderOf(ecosystemId, emailKey)})`;
}

/** A guard: a user holds this address, confirmed (`confirmed`) or still pending. */
export function addressHeldGuard(ecosystemId: string, emailKey: string, confirmed: boolean): Guard {
  return sql`exists (select 1 from ${users} where ${holderOf(ecosystemId, emailKey)} and ${users.confirmed} = ${confirmed ? 1 : 0})`;
}

/** A guard: this user exists and has an address to mail. */
export function userHasAddressGuard(id: string): Guard {
  return sql`exists (select 1 from ${users} where ${users.id} = ${id} and ${users.email} is not null)`;
}

/**
 * Gives the unconfirmed user holding this address new credentials and names (a sign-up replacing a
 * pending one); changes nothing when the address is free or confirmed.
 */
export function replacePendingCredentialsOfAddressQuery(db: Db, ecosystemId: string, emailKey: string, patch: UserPatch) {
  return db
    .update(users)
    .set(patch)
    .where(and(eq(users.ecosystemId, ecosystemId), eq(users.emailKey, emailKey), eq(users.confirmed, false)));
}

export function updateUserQuery(db: Db, id: string, patch: UserPatch) {
  return db.update(users).set(patch).where(eq(users.id, id)).returning();
}

/**
 * Updates the user only while their token epoch is still `epoch`: a revocation, role change,
 * disable or password change that landed since the row was read makes it change nothing.
 */
export function updateUserAtEpochQuery(db: Db, id: string, patch: UserPatch, epoch: number) {
  return db
    .update(users)
    .set(patch)
    .where(and(eq(users.id, id), eq(users.tokenEpoch, epoch)))
    .returning();
}

/** Updates the user only where the guard holds (a one-time code's spend); returns nothing. */
export function updateUserIfQuery(db: Db, id: string, patch: UserPatch, guard: Guard) {
  return db
    .update(users)
    .set(patch)
    .where(and(eq(users.id, id), guard))
    .returning();
}

/** Sets a registration's credentials while it is still unconfirmed (RETURNING its id; empty once confirmed). */
export function replacePendingCredentialsQuery(db: Db, id: string, patch: UserPatch) {
  return db
    .update(users)
    .set(patch)
    .where(and(eq(users.id, id), eq(users.confirmed, false)))
    .returning({ id: users.id });
}

/**
 * Records that the user's address is proven, only while it is still the one the code was mailed
 * to (`emailKey`; a code from before that was recorded proves nothing): for a code's batch.
 */
/** A guard: the user still has this address (its key), not yet proven (for the event of the statement that proves it). */
export function addressAwaitsProofGuard(id: string, emailKey: string | null): Guard {
  if (emailKey === null) return sql`0 = 1`;
  return sql`exists (select 1 from ${users} where ${users.id} = ${id} and ${users.emailKey} = ${emailKey} and ${users.emailVerifiedAt} is null)`;
}

export function markEmailVerifiedQuery(db: Db, id: string, emailKey: string | null, now: number, guard: Guard) {
  return db
    .update(users)
    .set({ emailVerifiedAt: now })
    .where(and(eq(users.id, id), emailKey === null ? sql`0 = 1` : eq(users.emailKey, emailKey), guard));
}

/** Replaces the password hash only if it is still the one that was checked (a concurrent change wins). */
export function replacePasswordHashQuery(db: Db, id: string, checkedHash: string, passwordHash: string) {
  return db
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, id), eq(users.passwordHash, checkedHash)));
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

interface UserPageQuery {
  ecosystemId?: string;
  /** Prefix of the e-mail, username or unique id. */
  prefix?: string;
  /** Only users registered by an application (droplit face): those with a unique id. */
  appUsersOnly?: boolean;
  limit: number;
  /** The last (createdAt, id) of the previous page. */
  after?: { createdAt: number; id: string };
}

/**
 * The strings that start with `prefix`, as a range `[low, high)` in SQLite's BINARY order (UTF-8
 * bytes, which is code point order): high is the prefix with its last code point raised by one
 * (carrying past U+10FFFF, skipping the surrogates); none when every code point is the highest.
 * Same answer as comparing the first characters, `%`, `_` and `\\` match themselves, and an index
 * on the column serves it as a range.
 */
function prefixRange(prefix: string): { low: string; high?: string } {
  const points = [...prefix].map((char) => char.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return { low: prefix, high: String.fromCodePoint(...points) };
    }
  }
  return { low: prefix };
}

function startsWith(column: SQLiteColumn, prefix: string) {
  const { low, high } = prefixRange(prefix);
  return high === undefined ? gte(column, low) : and(gte(column, low), lt(column, high));
}

function pageConditions(query: UserPageQuery) {
  const conditions: SQL[] = [];
  if (query.ecosystemId !== undefined) conditions.push(eq(users.ecosystemId, query.ecosystemId));
  if (query.appUsersOnly) conditions.push(isNotNull(users.uniqueId));
  if (query.after) {
    const { createdAt, id } = query.after;
    // A row value: SQLite serves it as a range of the (ecosystem_id,) created_at, id index even
    // with bound parameters, where the equivalent OR walks the index from its start. In a search
    // the unary + keeps that index out, so the key column's range is the one used.
    conditions.push(
      query.prefix
        ? sql`(+${users.createdAt}, +${users.id}) > (${createdAt}, ${id})`
        : sql`(${users.createdAt}, ${users.id}) > (${createdAt}, ${id})`,
    );
  }
  return conditions;
}

function pageOf(db: Db, conditions: (SQL | undefined)[], limit: number) {
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(limit)
    .all();
}

/**
 * One search range's first `limit` users, in no particular order: the range is read for
 * (created_at, id) only (covered by the users_*_any indexes across ecosystems) and sorted by them
 * (`+`: not by walking the created_at index, which would pass over the whole ecosystem), and only
 * the page's rows are read.
 */
function searchPageOf(db: Db, conditions: (SQL | undefined)[], limit: number) {
  const page = db
    .select({ id: users.id })
    .from(users)
    .where(and(...conditions))
    .orderBy(sql`+${users.createdAt}`, sql`+${users.id}`)
    .limit(limit);
  return db.select().from(users).where(inArray(users.id, page)).all();
}

const byCreation = (a: UserRow, b: UserRow) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Users in creation order, one page past a keyset cursor. A search is three index ranges, one per
 * key column (the lower-cased e-mail and username, the case-sensitive unique id), each giving its
 * own first page; the page is the first `limit` of their union. A range reads every index entry
 * whose key starts with the prefix (then sorts them), so a one-letter search costs its share of
 * the ecosystem; the prefix's length is what bounds it.
 */
export async function listUsers(db: Db, query: UserPageQuery): Promise<UserRow[]> {
  const conditions = pageConditions(query);
  if (!query.prefix) return pageOf(db, conditions, query.limit);
  const ranges = [
    startsWith(users.emailKey, emailKeyOf(query.prefix)),
    startsWith(users.usernameKey, query.prefix.toLowerCase()),
    startsWith(users.uniqueId, query.prefix),
  ];
  const pages = await Promise.all(ranges.map((range) => searchPageOf(db, [...conditions, range], query.limit)));
  const unique = new Map(pages.flat().map((user) => [user.id, user]));
  return [...unique.values()].sort(byCreation).slice(0, query.limit);
}

/**
 * The users of an ecosystem whose numbers lie in (after, upTo], in number order: a range of the
 * users_number index, however deep.
 */
export function listUsersByNumber(db: Db, ecosystemId: string, after: number, upTo: number): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.ecosystemId, ecosystemId), gt(users.userNumber, after), lte(users.userNumber, upTo)))
    .orderBy(asc(users.userNumber))
    .all();
}

/**
 * An ecosystem's user count and the last user number it gave out, from its own row: the count is
 * kept by triggers in the statement that inserts or deletes a user (migration 0006).
 */
export async function countUsers(db: Db, ecosystemId: string): Promise<{ count: number; lastNumber: number }> {
  const row = await db
    .select({ count: ecosystems.userCount, lastNumber: ecosystems.lastUserNumber })
    .from(ecosystems)
    .where(eq(ecosystems.id, ecosystemId))
    .get();
  return row ?? { count: 0, lastNumber: 0 };
}
