// Ecosystems, their environments and their server tokens in D1.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { ecosystems, environments, serverTokens, users, type EcosystemRow, type EnvironmentRow } from './schema';

export type { EcosystemRow, EnvironmentRow };

interface NewServerToken {
  id: string;
  ecosystemId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
}

export async function ecosystemExists(db: Db, id: string): Promise<boolean> {
  return (await db.select({ id: ecosystems.id }).from(ecosystems).where(eq(ecosystems.id, id)).get()) !== undefined;
}

export function insertEcosystemQuery(db: Db, row: typeof ecosystems.$inferInsert) {
  return db.insert(ecosystems).values(row);
}

/** A guard: the ecosystem exists (at its point of a batch). */
export function ecosystemExistsGuard(id: string): Guard {
  return sql`exists (select 1 from ${ecosystems} where ${ecosystems.id} = ${id})`;
}

/** The ecosystem's own password policy (null fields: the deployment's); undefined when there is no such ecosystem. */
export function findPasswordPolicy(db: Db, id: string): Promise<OwnPasswordPolicy | undefined> {
  return db
    .select({ minLength: ecosystems.passwordMinLength, rejectCommon: ecosystems.passwordRejectCommon })
    .from(ecosystems)
    .where(eq(ecosystems.id, id))
    .get();
}

/** The password policy of the user's ecosystem (as findPasswordPolicy). */
export function findPasswordPolicyOfUser(db: Db, userId: string): Promise<OwnPasswordPolicy | undefined> {
  return db
    .select({ minLength: ecosystems.passwordMinLength, rejectCommon: ecosystems.passwordRejectCommon })
    .from(ecosystems)
    .where(eq(ecosystems.id, sql`(select ${users.ecosystemId} from ${users} where ${users.id} = ${userId})`))
    .get();
}

export interface OwnPasswordPolicy {
  minLength: number | null;
  rejectCommon: boolean | null;
}

/**
 * Sets the ecosystem's own password policy, RETURNING it (empty when there is no such ecosystem).
 * `create`: make the ecosystem if it does not exist (DEFAULT_ECOSYSTEM, before its first user).
 */
export function setPasswordPolicyQuery(db: Db, id: string, policy: OwnPasswordPolicy, now: number, create: boolean) {
  const values = { passwordMinLength: policy.minLength, passwordRejectCommon: policy.rejectCommon };
  const returning = { minLength: ecosystems.passwordMinLength, rejectCommon: ecosystems.passwordRejectCommon };
  if (create) {
    return db
      .insert(ecosystems)
      .values({ id, name: id, createdAt: now, ...values })
      .onConflictDoUpdate({ target: ecosystems.id, set: values })
      .returning(returning);
  }
  return db.update(ecosystems).set(values).where(eq(ecosystems.id, id)).returning(returning);
}

/** Creates the ecosystem unless it exists (DEFAULT_ECOSYSTEM comes into being with its first user). */
export function ensureEcosystemQuery(db: Db, id: string, now: number) {
  return db.insert(ecosystems).values({ id, name: id, createdAt: now }).onConflictDoNothing();
}

/**
 * Spends the ecosystem's next user number without a user, as an insert would: the answer to a
 * registration of a taken address shows a number like a new user's, and the sequence moves on
 * as it does for a new user.
 */
export async function spendUserNumber(db: Db, ecosystemId: string): Promise<number | null> {
  const [row] = await db
    .update(ecosystems)
    .set({ lastUserNumber: sql`${ecosystems.lastUserNumber} + 1` })
    .where(eq(ecosystems.id, ecosystemId))
    .returning({ number: ecosystems.lastUserNumber });
  return row?.number ?? null;
}

export function listEcosystems(db: Db): Promise<EcosystemRow[]> {
  return db.select().from(ecosystems).orderBy(asc(ecosystems.createdAt), asc(ecosystems.id)).all();
}

export function insertEnvironmentQuery(db: Db, row: EnvironmentRow) {
  return db.insert(environments).values(row);
}

/** Which of these environment ids belong to the ecosystem. */
export async function environmentIdsIn(db: Db, ecosystemId: string, ids: string[]): Promise<string[]> {
  const rows = await db
    .select({ id: environments.id })
    .from(environments)
    .where(and(eq(environments.ecosystemId, ecosystemId), inArray(environments.id, ids)))
    .all();
  return rows.map((row) => row.id);
}

export function insertServerTokenQuery(db: Db, row: NewServerToken) {
  return db.insert(serverTokens).values(row);
}

export function findServerTokenByHash(db: Db, tokenHash: string): Promise<{ id: string; ecosystemId: string } | undefined> {
  return db
    .select({ id: serverTokens.id, ecosystemId: serverTokens.ecosystemId })
    .from(serverTokens)
    .where(eq(serverTokens.tokenHash, tokenHash))
    .get();
}

/** Deletes the server token; returns whether there was one. */
/** Deletes a server token, RETURNING its id (none when there was no such token). */
export function deleteServerTokenQuery(db: Db, id: string) {
  return db.delete(serverTokens).where(eq(serverTokens.id, id)).returning({ id: serverTokens.id });
}

/** The ecosystem of a server token, as a statement reads it (an event of the token's revocation). */
export function ecosystemOfServerToken(id: string): SQL {
  return sql`(select ${serverTokens.ecosystemId} from ${serverTokens} where ${serverTokens.id} = ${id})`;
}

/** A guard: the server token exists. */
export function serverTokenExists(id: string): SQL {
  return sql`exists (select 1 from ${serverTokens} where ${serverTokens.id} = ${id})`;
}

export async function deleteServerToken(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(serverTokens).where(eq(serverTokens.id, id)).returning({ id: serverTokens.id });
  return deleted.length > 0;
}

/** The ecosystem's own second-factor policy (null fields: the defaults); undefined when there is no such ecosystem. */
export interface OwnMfaPolicy {
  mfa: string | null;
  admins: string | null;
}

const MFA_POLICY_COLUMNS = { mfa: ecosystems.mfaPolicy, admins: ecosystems.mfaAdminPolicy };

export function findMfaPolicy(db: Db, id: string): Promise<OwnMfaPolicy | undefined> {
  return db.select(MFA_POLICY_COLUMNS).from(ecosystems).where(eq(ecosystems.id, id)).get();
}

/** Sets the ecosystem's own second-factor policy, RETURNING it (empty when there is no such ecosystem; `create` as setPasswordPolicyQuery). */
export function setMfaPolicyQuery(db: Db, id: string, policy: OwnMfaPolicy, now: number, create: boolean) {
  const values = { mfaPolicy: policy.mfa, mfaAdminPolicy: policy.admins };
  if (create) {
    return db
      .insert(ecosystems)
      .values({ id, name: id, createdAt: now, ...values })
      .onConflictDoUpdate({ target: ecosystems.id, set: values })
      .returning(MFA_POLICY_COLUMNS);
  }
  return db.update(ecosystems).set(values).where(eq(ecosystems.id, id)).returning(MFA_POLICY_COLUMNS);
}

/**
 * Holds while the ecosystem's policy does not require a second factor of a user with this role:
 * the insert of a one-factor session carries it, so a password login costs no extra read to learn
 * whether its account must enrol first.
 */
export function secondFactorNotRequiredGuard(ecosystemId: string, role: string): Guard {
  const required =
    role === 'admin'
      ? sql`(${ecosystems.mfaPolicy} = 'required' or ${ecosystems.mfaAdminPolicy} = 'required')`
      : sql`${ecosystems.mfaPolicy} = 'required'`;
  return sql`not exists (select 1 from ${ecosystems} where ${ecosystems.id} = ${ecosystemId} and ${required})`;
}

/** An ecosystem's environments, oldest first (the environments_ecosystem index). */
export function listEnvironments(db: Db, ecosystemId: string): Promise<EnvironmentRow[]> {
  return db.select().from(environments).where(eq(environments.ecosystemId, ecosystemId)).orderBy(asc(environments.createdAt)).all();
}

/** An ecosystem's server tokens, oldest first: their ids and names, never the hash. */
export function listServerTokens(db: Db, ecosystemId: string): Promise<{ id: string; name: string; createdAt: number }[]> {
  return db
    .select({ id: serverTokens.id, name: serverTokens.name, createdAt: serverTokens.createdAt })
    .from(serverTokens)
    .where(eq(serverTokens.ecosystemId, ecosystemId))
    .orderBy(asc(serverTokens.createdAt))
    .all();
}

export function findEcosystem(db: Db, id: string): Promise<EcosystemRow | undefined> {
  return db.select().from(ecosystems).where(eq(ecosystems.id, id)).get();
}
