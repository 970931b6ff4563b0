// Device authorizations (RFC 8628) in D1. Each change of status is one conditional UPDATE: the
// person's decision only from `pending` (and before expiry), the token's issue only from
// `approved` to `spent`, so one approval gives exactly one token however many polls race.
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from './db';
import { deviceAuthorizations, oauthClients, type DeviceAuthorizationRow } from './schema';

export type { DeviceAuthorizationRow };

export function insertDeviceAuthorization(db: Db, row: typeof deviceAuthorizations.$inferInsert) {
  return db.insert(deviceAuthorizations).values(row);
}

export function findByDeviceCode(db: Db, deviceCodeHash: string): Promise<DeviceAuthorizationRow | undefined> {
  return db.select().from(deviceAuthorizations).where(eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash)).get();
}

/** A pending, unexpired authorization by its user code, with its client's name (for the approval page). */
export function findPendingByUserCode(db: Db, userCode: string, now: number) {
  return db
    .select({ authorization: deviceAuthorizations, clientName: oauthClients.name })
    .from(deviceAuthorizations)
    .innerJoin(oauthClients, eq(oauthClients.id, deviceAuthorizations.clientId))
    .where(
      and(eq(deviceAuthorizations.userCode, userCode), eq(deviceAuthorizations.status, 'pending'), gt(deviceAuthorizations.expiresAt, now)),
    )
    .get();
}

/** The person's decision, only on a pending, unexpired authorization; RETURNING it (empty: too late, or decided). */
export function decide(
  db: Db,
  userCode: string,
  decision: { status: 'approved' | 'denied'; userId: string; browserSessionId: string; authTime: number },
  now: number,
) {
  return db
    .update(deviceAuthorizations)
    .set(decision)
    .where(
      and(eq(deviceAuthorizations.userCode, userCode), eq(deviceAuthorizations.status, 'pending'), gt(deviceAuthorizations.expiresAt, now)),
    )
    .returning({ clientId: deviceAuthorizations.clientId });
}

/** Records a poll, and the interval from now on (raised by slow_down). */
export function recordPoll(db: Db, deviceCodeHash: string, now: number, intervalSeconds: number) {
  return db
    .update(deviceAuthorizations)
    .set({ lastPolledAt: now, intervalSeconds })
    .where(eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash));
}

/** Spends an approved authorization; RETURNING it (empty: another poll spent it first, or it expired). */
export function spend(db: Db, deviceCodeHash: string, now: number) {
  return db
    .update(deviceAuthorizations)
    .set({ status: 'spent' })
    .where(
      and(
        eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash),
        eq(deviceAuthorizations.status, 'approved'),
        gt(deviceAuthorizations.expiresAt, now),
      ),
    )
    .returning();
}
