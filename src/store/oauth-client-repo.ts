// Registered OAuth clients and their authorization codes in D1. A code is spent by one conditional
// UPDATE (unused and unexpired, RETURNING the row), so two concurrent exchanges cannot both win.
import { and, desc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { authorizationCodes, oauthClients, type AuthorizationCodeRow, type OAuthClientRow } from './schema';

export type { AuthorizationCodeRow, OAuthClientRow };

export type NewClient = typeof oauthClients.$inferInsert;
export type ClientChanges = Partial<
  Pick<
    NewClient,
    | 'name'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'scopes'
    | 'allowPasswordGrant'
    | 'requirePkce'
    | 'allowClientCredentials'
    | 'clientCredentialsScopes'
    | 'clientCredentialsResources'
    | 'allowDeviceGrant'
    | 'tokenEndpointAuthMethod'
    | 'jwks'
    | 'registrationTokenHash'
  >
>;

export function insertClient(db: Db, row: NewClient) {
  return db.insert(oauthClients).values(row).returning();
}

export function findClient(db: Db, id: string): Promise<OAuthClientRow | undefined> {
  return db.select().from(oauthClients).where(eq(oauthClients.id, id)).get();
}

/** The newest clients first, at most `limit` (the operator's list; clients are few). */
export function listClients(db: Db, limit: number): Promise<OAuthClientRow[]> {
  return db.select().from(oauthClients).orderBy(desc(oauthClients.createdAt), oauthClients.id).limit(limit).all();
}

/** `endMachineTokens`: raise the client's token epoch in the same UPDATE (its machine tokens end). */
export function updateClient(db: Db, id: string, changes: ClientChanges, now: number, endMachineTokens = false) {
  return db
    .update(oauthClients)
    .set({ ...changes, updatedAt: now, ...(endMachineTokens ? { tokenEpoch: sql`${oauthClients.tokenEpoch} + 1` } : {}) })
    .where(eq(oauthClients.id, id))
    .returning();
}

/** Deletes the client (its unspent codes go with it, by the foreign key); RETURNING its id and token epoch. */
export function deleteClient(db: Db, id: string) {
  return db.delete(oauthClients).where(eq(oauthClients.id, id)).returning({ id: oauthClients.id, tokenEpoch: oauthClients.tokenEpoch });
}

/** A guard: the client exists (and, given `updatedAt`, was updated then). */
export function clientExists(id: string, updatedAt?: number): SQL {
  const updated = updatedAt === undefined ? sql`` : sql` and ${oauthClients.updatedAt} = ${updatedAt}`;
  return sql`exists (select 1 from ${oauthClients} where ${oauthClients.id} = ${id}${updated})`;
}

export function insertCode(db: Db, row: typeof authorizationCodes.$inferInsert) {
  return db.insert(authorizationCodes).values(row);
}

export function findCode(db: Db, codeHash: string): Promise<AuthorizationCodeRow | undefined> {
  return db.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, codeHash)).get();
}

/** Spends an unused, unexpired code; RETURNING it (empty: used or expired meanwhile). */
export function spendCode(db: Db, codeHash: string, now: number) {
  return db
    .update(authorizationCodes)
    .set({ usedAt: now })
    .where(and(eq(authorizationCodes.codeHash, codeHash), isNull(authorizationCodes.usedAt), gt(authorizationCodes.expiresAt, now)))
    .returning();
}

/** Records the session the exchange started; RETURNING replayedAt (set: a replay came first). */
export function recordIssuedSession(db: Db, codeHash: string, sessionId: string) {
  return db
    .update(authorizationCodes)
    .set({ issuedSessionId: sessionId })
    .where(eq(authorizationCodes.codeHash, codeHash))
    .returning({ replayedAt: authorizationCodes.replayedAt });
}

/** Marks a spent code as presented again; RETURNING the session its exchange started (if recorded yet). */
export function markCodeReplayed(db: Db, codeHash: string, now: number) {
  return db
    .update(authorizationCodes)
    .set({ replayedAt: now })
    .where(eq(authorizationCodes.codeHash, codeHash))
    .returning({ issuedSessionId: authorizationCodes.issuedSessionId });
}
