// Dynamic client registration in D1 (RFC 7591, 7592): the operator's initial access tokens, and
// the statements that register a client with one. D1 has no BEGIN, so a registration is one batch:
// insert the client, count a use of the token (a conditional UPDATE that also writes the new
// client's id into `last_client_id`), then delete the client again unless the token names it. A
// token spent, expired or deleted meanwhile therefore leaves no client behind, and `max_uses`
// holds under concurrency.
import { and, desc, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db';
import { ecosystems, initialAccessTokens, oauthClients, type InitialAccessTokenRow } from './schema';

export type { InitialAccessTokenRow };

export function insertInitialAccessToken(db: Db, row: typeof initialAccessTokens.$inferInsert) {
  return db.insert(initialAccessTokens).values(row).returning();
}

export function listInitialAccessTokens(db: Db, limit: number): Promise<InitialAccessTokenRow[]> {
  return db.select().from(initialAccessTokens).orderBy(desc(initialAccessTokens.createdAt), initialAccessTokens.id).limit(limit).all();
}

/** Deletes the token, RETURNING its id and ecosystem (none: there was no such token). */
export function deleteInitialAccessToken(db: Db, id: string) {
  return db
    .delete(initialAccessTokens)
    .where(eq(initialAccessTokens.id, id))
    .returning({ id: initialAccessTokens.id, ecosystemId: initialAccessTokens.ecosystemId });
}

export function findInitialAccessTokenByHash(db: Db, tokenHash: string): Promise<InitialAccessTokenRow | undefined> {
  return db.select().from(initialAccessTokens).where(eq(initialAccessTokens.tokenHash, tokenHash)).get();
}

/** Counts one use of the token for `clientId`, if it is unexpired and has uses left; RETURNING its id. */
export function spendInitialAccessToken(db: Db, id: string, clientId: string, now: number) {
  return db
    .update(initialAccessTokens)
    .set({ uses: sql`${initialAccessTokens.uses} + 1`, lastClientId: clientId })
    .where(
      and(
        eq(initialAccessTokens.id, id),
        or(isNull(initialAccessTokens.expiresAt), gt(initialAccessTokens.expiresAt, now)),
        or(isNull(initialAccessTokens.maxUses), lt(initialAccessTokens.uses, initialAccessTokens.maxUses)),
      ),
    )
    .returning({ id: initialAccessTokens.id });
}

/** Deletes the client just inserted unless the token's counted use names it (the spend did not happen). */
export function undoUnpaidClient(db: Db, tokenId: string, clientId: string) {
  return db
    .delete(oauthClients)
    .where(
      and(
        eq(oauthClients.id, clientId),
        sql`not exists (select 1 from ${initialAccessTokens} where ${initialAccessTokens.id} = ${tokenId} and ${initialAccessTokens.lastClientId} = ${clientId})`,
      ),
    );
}

/** A guard: the client exists (at its point of the batch). */
export function clientStands(clientId: string): SQL {
  return sql`exists (select 1 from ${oauthClients} where ${oauthClients.id} = ${clientId})`;
}

/** Whether the ecosystem lets anyone register a public client; undefined when there is no such ecosystem. */
export async function openRegistrationOf(db: Db, ecosystemId: string): Promise<boolean | undefined> {
  const row = await db.select({ open: ecosystems.openClientRegistration }).from(ecosystems).where(eq(ecosystems.id, ecosystemId)).get();
  return row?.open;
}

/** Sets the ecosystem's open registration, RETURNING it (empty: no such ecosystem). `create`: the default ecosystem, before its first user. */
export function setOpenRegistrationQuery(db: Db, ecosystemId: string, open: boolean, now: number, create: boolean) {
  const returning = { open: ecosystems.openClientRegistration };
  if (create) {
    return db
      .insert(ecosystems)
      .values({ id: ecosystemId, name: ecosystemId, createdAt: now, openClientRegistration: open })
      .onConflictDoUpdate({ target: ecosystems.id, set: { openClientRegistration: open } })
      .returning(returning);
  }
  return db.update(ecosystems).set({ openClientRegistration: open }).where(eq(ecosystems.id, ecosystemId)).returning(returning);
}
