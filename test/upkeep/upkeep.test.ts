// The Cron run's upkeep, on a database holding expired and live rows of every kind: exactly the
// rows nothing can use any more are deleted (with the secrets their sessions spent), in bounded
// rounds, and the run logs how many of each went.
import { env } from 'cloudflare:workers';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db';
import { loginFailures, oneTimeCodes, outbox, sessions, spentSecrets, users } from '../../src/store/schema';
import { newClient, uniqueEmail } from '../support/driver';
import { logIn, register } from '../user-service/steps';

const db = openDb(env.DB);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function seedUser(now: number): Promise<string> {
  const id = crypto.randomUUID();
  const email = uniqueEmail('upkeep');
  await db.insert(users).values({ id, ecosystemId: 'default', email, emailKey: email, createdAt: now - 60 * DAY, updatedAt: now });
  return id;
}

type SessionSeed = Partial<typeof sessions.$inferInsert> & { kind: string };

async function seed(now: number) {
  const userId = await seedUser(now);
  const session = (name: string, fields: SessionSeed) => ({
    id: crypto.randomUUID(),
    userId,
    secretHash: `hash-${name}`,
    createdAt: now - 20 * DAY,
    lastUsedAt: now - 20 * DAY,
    ...fields,
  });
  const s = {
    // Gone: no token of these can be used any more.
    refreshRevokedLongAgo: session('a', { kind: 'refresh', revokedAt: now - 2 * HOUR, expiresAt: now + 10 * DAY }),
    refreshExpired: session('b', { kind: 'refresh', expiresAt: now - 2 * HOUR }),
    fixedTtlExpired: session('c', {
      kind: 'user_token',
      rotates: false,
      expiryType: 'FixedTtl',
      ttlSeconds: 60,
      expiresAt: now - 10 * MIN,
    }),
    // Kept: an access token of the first may still live; the rest live or hold a forever revocation.
    refreshRevokedRecently: session('d', { kind: 'refresh', revokedAt: now - 30 * MIN, expiresAt: now + 10 * DAY }),
    refreshLive: session('e', { kind: 'refresh', expiresAt: now + 10 * DAY }),
    fixedTtlRevokedNotExpired: session('f', {
      kind: 'user_token',
      expiryType: 'FixedTtl',
      ttlSeconds: 3600,
      revokedAt: now - DAY,
      expiresAt: now + MIN,
    }),
    infiniteRevoked: session('g', { kind: 'user_token', expiryType: 'Infinite', revokedAt: now - 30 * DAY }),
    slidingOld: session('h', { kind: 'user_token', expiryType: 'SlidingTtl', ttlSeconds: 60 }),
  };
  await db.insert(sessions).values(Object.values(s));
  await db.insert(spentSecrets).values([
    { sessionId: s.refreshRevokedLongAgo.id, secretHash: 'spent-1' },
    { sessionId: s.refreshRevokedLongAgo.id, secretHash: 'spent-2' },
    { sessionId: s.refreshLive.id, secretHash: 'spent-3' },
    { sessionId: s.refreshRevokedRecently.id, secretHash: 'spent-4' },
  ]);

  const code = (fields: { expiresAt: number; usedAt?: number }) => ({
    id: crypto.randomUUID(),
    userId,
    purpose: 'reset',
    codeHash: crypto.randomUUID(),
    createdAt: now - 3 * DAY,
    ...fields,
  });
  const c = {
    usedLongAgo: code({ usedAt: now - 2 * DAY, expiresAt: now + HOUR }),
    expiredLongAgo: code({ expiresAt: now - 2 * DAY }),
    usedRecently: code({ usedAt: now - HOUR, expiresAt: now + HOUR }),
    expiredRecently: code({ expiresAt: now - HOUR }),
    live: code({ expiresAt: now + HOUR }),
  };
  await db.insert(oneTimeCodes).values(Object.values(c));

  const failure = (fields: { lockedUntil: number; updatedAt: number }) => ({ key: `user:${crypto.randomUUID()}`, failures: 3, ...fields });
  const f = {
    stale: failure({ lockedUntil: now - 2 * DAY, updatedAt: now - 2 * DAY }),
    staleNeverLocked: failure({ lockedUntil: 0, updatedAt: now - 3 * DAY }),
    stillLocked: failure({ lockedUntil: now + HOUR, updatedAt: now - 2 * DAY }),
    recent: failure({ lockedUntil: 0, updatedAt: now - HOUR }),
  };
  await db.insert(loginFailures).values(Object.values(f));

  const mail = (fields: Partial<typeof outbox.$inferInsert>) => ({
    id: crypto.randomUUID(),
    to: uniqueEmail('kept'),
    subject: 's',
    text: 't',
    createdAt: now - 40 * DAY,
    ...fields,
  });
  const m = {
    sentLongAgo: mail({ status: 'sent', sentAt: now - 31 * DAY, attempts: 1 }),
    sentRecently: mail({ status: 'sent', sentAt: now - 29 * DAY, attempts: 1 }),
    failedLongAgo: mail({ status: 'failed', attempts: 8, lastError: 'webhook: answered HTTP 500' }),
    pendingOld: mail({ status: 'pending', attempts: 7, nextAttemptAt: now + DAY }),
  };
  await db.insert(outbox).values(Object.values(m));
  return { s, c, f, m };
}

const ids = (rows: Record<string, { id: string }>) => Object.values(rows).map((row) => row.id);

describe('upkeep on the Cron run', () => {
  it('deletes exactly the expired rows of every kind and leaves every live one as it was', async () => {
    const client = newClient();
    const { s, c, f, m } = await seed(client.clock.now());
    const before = {
      sessions: await db
        .select()
        .from(sessions)
        .where(inArray(sessions.id, ids(s)))
        .all(),
      spent: await db
        .select()
        .from(spentSecrets)
        .where(inArray(spentSecrets.sessionId, ids(s)))
        .all(),
      codes: await db
        .select()
        .from(oneTimeCodes)
        .where(inArray(oneTimeCodes.id, ids(c)))
        .all(),
      failures: await db
        .select()
        .from(loginFailures)
        .where(
          inArray(
            loginFailures.key,
            Object.values(f).map((row) => row.key),
          ),
        )
        .all(),
      mail: await db
        .select()
        .from(outbox)
        .where(inArray(outbox.id, ids(m)))
        .all(),
    };

    await client.scheduled();

    const after = {
      sessions: await db
        .select()
        .from(sessions)
        .where(inArray(sessions.id, ids(s)))
        .all(),
      spent: await db
        .select()
        .from(spentSecrets)
        .where(inArray(spentSecrets.sessionId, ids(s)))
        .all(),
      codes: await db
        .select()
        .from(oneTimeCodes)
        .where(inArray(oneTimeCodes.id, ids(c)))
        .all(),
      failures: await db
        .select()
        .from(loginFailures)
        .where(
          inArray(
            loginFailures.key,
            Object.values(f).map((row) => row.key),
          ),
        )
        .all(),
      mail: await db
        .select()
        .from(outbox)
        .where(inArray(outbox.id, ids(m)))
        .all(),
    };
    const gone = {
      sessions: [s.refreshRevokedLongAgo.id, s.refreshExpired.id, s.fixedTtlExpired.id],
      codes: [c.usedLongAgo.id, c.expiredLongAgo.id],
      failures: [f.stale.key, f.staleNeverLocked.key],
      mail: [m.sentLongAgo.id],
    };
    // What is left is exactly what was there minus the expired rows, each row unchanged.
    expect(after.sessions).toEqual(before.sessions.filter((row) => !gone.sessions.includes(row.id)));
    expect(after.spent).toEqual(before.spent.filter((row) => !gone.sessions.includes(row.sessionId)));
    expect(after.spent.map((row) => row.secretHash).sort()).toEqual(['spent-3', 'spent-4']);
    expect(after.codes).toEqual(before.codes.filter((row) => !gone.codes.includes(row.id)));
    expect(after.failures).toEqual(before.failures.filter((row) => !gone.failures.includes(row.key)));
    expect(after.mail).toEqual(before.mail.filter((row) => !gone.mail.includes(row.id)));
    expect(after.sessions).toHaveLength(5);
    expect(after.codes).toHaveLength(3);
    expect(after.failures).toHaveLength(2);
    expect(after.mail).toHaveLength(3);

    const logged = client.logs.find((line) => line.event === 'upkeep');
    expect(logged?.fields?.deleted).toMatchObject({
      sessions: expect.any(Number),
      codes: expect.any(Number),
      loginFailures: expect.any(Number),
      mail: expect.any(Number),
    });
  });

  it('deletes more than one batch in one run, in bounded rounds', async () => {
    const client = newClient();
    const now = client.clock.now();
    const userId = await seedUser(now);
    const rows = Array.from({ length: 450 }, () => ({
      id: crypto.randomUUID(),
      userId,
      purpose: 'confirm',
      codeHash: crypto.randomUUID(),
      createdAt: now - 5 * DAY,
      expiresAt: now - 4 * DAY,
    }));
    // At most 100 bound values per statement: insert in slices.
    for (let i = 0; i < rows.length; i += 14) await db.insert(oneTimeCodes).values(rows.slice(i, i + 14));

    await client.scheduled();

    const left = await db
      .select({ id: oneTimeCodes.id })
      .from(oneTimeCodes)
      .where(
        inArray(
          oneTimeCodes.id,
          rows.slice(0, 90).map((r) => r.id),
        ),
      )
      .all();
    expect(left).toEqual([]);
    const deleted = client.logs.find((line) => line.event === 'upkeep')?.fields?.deleted as { codes: number };
    expect(deleted.codes).toBeGreaterThanOrEqual(450);
  });

  it('keeps a live session usable and a recently revoked one revoked', async () => {
    const client = newClient();
    const user = await register(client);
    const live = await logIn(client, user);
    const revoked = await logIn(client, user);
    const sessionId = revoked.refreshToken.split('.')[0]!;
    expect((await client.admin('DELETE', `/admin/v1/sessions/${sessionId}`)).status).toBe(204);
    client.clock.advance(600);

    await client.scheduled();

    expect((await client.get('/v1/users/status', { token: live.accessToken })).status).toBe(200);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: live.refreshToken } })).status).toBe(200);
    expect((await client.get('/v1/users/status', { token: revoked.accessToken })).status).toBe(401);
  });
});
