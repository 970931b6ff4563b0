// Upstream identity providers and the identities linked to users (issue 22), in D1. A link is
// `(provider, subject)`, unique: two sign-ins racing to link the same upstream identity are
// settled by that index, never by an e-mail.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Guard } from './db';
import { identityProviders, linkedIdentities, users, type IdentityProviderRow, type LinkedIdentityRow } from './schema';

export type { IdentityProviderRow, LinkedIdentityRow };
export type NewIdentityProvider = typeof identityProviders.$inferInsert;
export type IdentityProviderChanges = Partial<
  Pick<
    NewIdentityProvider,
    'name' | 'clientId' | 'clientSecretSealed' | 'issuer' | 'scopes' | 'linkByVerifiedEmail' | 'defaultEnvironments'
  >
>;

export function insertProvider(db: Db, row: NewIdentityProvider) {
  return db.insert(identityProviders).values(row).returning();
}

export function findProvider(db: Db, id: string): Promise<IdentityProviderRow | undefined> {
  return db.select().from(identityProviders).where(eq(identityProviders.id, id)).get();
}

/** Every provider, or those of one ecosystem, oldest first (the order of the sign-in page's buttons). */
export function listProviders(db: Db, ecosystemId?: string): Promise<IdentityProviderRow[]> {
  const query = db.select().from(identityProviders);
  const filtered = ecosystemId === undefined ? query : query.where(eq(identityProviders.ecosystemId, ecosystemId));
  return filtered.orderBy(asc(identityProviders.createdAt), asc(identityProviders.id)).limit(1000).all();
}

export function updateProvider(db: Db, id: string, changes: IdentityProviderChanges, now: number) {
  return db
    .update(identityProviders)
    .set({ ...changes, updatedAt: now })
    .where(eq(identityProviders.id, id))
    .returning();
}

/** Deletes the provider; its linked identities go with it (the foreign key), the users stay. */
export function deleteProvider(db: Db, id: string) {
  return db.delete(identityProviders).where(eq(identityProviders.id, id)).returning({ id: identityProviders.id });
}

export function findLinkedIdentity(db: Db, providerId: string, subject: string): Promise<LinkedIdentityRow | undefined> {
  return db
    .select()
    .from(linkedIdentities)
    .where(and(eq(linkedIdentities.providerId, providerId), eq(linkedIdentities.subject, subject)))
    .get();
}

export function insertLinkedIdentityQuery(db: Db, row: typeof linkedIdentities.$inferInsert) {
  return db.insert(linkedIdentities).values(row);
}

export function touchLinkedIdentityQuery(db: Db, id: string, email: string | null, now: number) {
  return db.update(linkedIdentities).set({ lastUsedAt: now, email }).where(eq(linkedIdentities.id, id));
}

export function listLinkedIdentities(db: Db, userId: string): Promise<LinkedIdentityRow[]> {
  return db.select().from(linkedIdentities).where(eq(linkedIdentities.userId, userId)).orderBy(asc(linkedIdentities.createdAt)).all();
}

/** The user's links with their providers' names, oldest first (the account page). */
export function listLinkedIdentitiesWithProvider(db: Db, userId: string) {
  return db
    .select({
      id: linkedIdentities.id,
      providerName: identityProviders.name,
      email: linkedIdentities.email,
      createdAt: linkedIdentities.createdAt,
    })
    .from(linkedIdentities)
    .innerJoin(identityProviders, eq(identityProviders.id, linkedIdentities.providerId))
    .where(eq(linkedIdentities.userId, userId))
    .orderBy(asc(linkedIdentities.createdAt))
    .all();
}

/**
 * Deletes one of the user's links only if the user keeps a way to sign in: a password, or another
 * link. One statement, so two unlinks racing cannot both remove the last two ways in. RETURNING its id.
 */
/** A guard: no link of this id exists (at its point of a batch: the delete before it took it). */
export function linkGoneGuard(linkId: string): Guard {
  return sql`not exists (select 1 from ${linkedIdentities} where ${linkedIdentities.id} = ${linkId})`;
}

export function unlinkIfAnotherWayInQuery(db: Db, userId: string, linkId: string) {
  return db
    .delete(linkedIdentities)
    .where(
      and(
        eq(linkedIdentities.id, linkId),
        eq(linkedIdentities.userId, userId),
        sql`(exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.passwordHash} is not null)
          or (select count(*) from ${linkedIdentities} where ${linkedIdentities.userId} = ${userId}) > 1)`,
      ),
    )
    .returning({ id: linkedIdentities.id });
}
