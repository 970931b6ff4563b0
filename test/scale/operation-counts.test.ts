// What each hot-path operation costs D1 on this code, counted through a wrapping binding (round
// trips, statements, rows written as D1 bills them, table rows changed), and what a stored row
// takes (D1's own size_after, over 2,000 rows of each kind). docs/scale.md quotes these figures; the
// test holds them as ceilings, so a change that makes an operation dearer shows here (one that
// makes it cheaper passes, and should lower the ceiling).
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant, refreshGrant, verifyStatus, type Tokens } from '../support/accounts';
import { countingD1, noCounts, type D1Counts } from '../support/counting-d1';
import { json, newClient } from '../support/driver';

function countingClient() {
  const counts = noCounts();
  const client = newClient({ wrapEnv: (e) => ({ ...e, DB: countingD1(e.DB, counts) }) });
  /** Runs `operation` and returns what it cost D1 (without the SQL). */
  async function measure(operation: () => Promise<unknown>): Promise<D1Counts> {
    Object.assign(counts, noCounts());
    await operation();
    return { ...counts, sql: [...counts.sql] };
  }
  return { client, measure };
}

const ok = async (response: Promise<Response>) => {
  const r = await response;
  expect(r.status, await r.clone().text()).toBe(200);
  return r;
};

const COPIES = 2_000;

/** D1's size of the database after a statement (its file: pages in use and free). */
async function sizeOf(db: D1Database): Promise<number> {
  const result = await db.prepare('select 1').run();
  return (result.meta as { size_after: number }).size_after;
}

/**
 * Bytes per row of `table` with its indexes: `row` (a real row, as the service wrote it) copied
 * COPIES times into the empty SIZES_DB, each copy with fresh random values in `fresh` (ids, hashes,
 * e-mails: columns that are keys), divided by COPIES.
 */
async function bytesPerRow(table: string, row: Record<string, unknown>, fresh: Record<string, (i: string) => string>): Promise<number> {
  const db = env.SIZES_DB;
  const columns = Object.keys(row);
  const kept = columns.filter((column) => !fresh[column]);
  const values = columns.map((column) => (fresh[column] ? fresh[column]!('i') : `?${kept.indexOf(column) + 3}`));
  const before = await sizeOf(db);
  const sql = `insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')})
    with recursive n(i) as (select ?1 union all select i + 1 from n where i < ?2) select ${values.join(', ')} from n`;
  await db
    .prepare(sql)
    .bind(1, COPIES, ...kept.map((column) => row[column] ?? null))
    .run();
  return Math.round(((await sizeOf(db)) - before) / COPIES);
}

const uuidLike = () =>
  `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)))`;
const hex64 = () => `lower(hex(randomblob(32)))`;

describe('what an operation costs D1 (issue 27; figures in docs/scale.md)', () => {
  it('counts sign-in, failed sign-in, refresh, who-am-I and the edge check, and the bytes of a user and a session', async () => {
    const { client, measure } = countingClient();
    const user = await createUser(client);
    const figures: Record<string, D1Counts> = {};
    let tokens!: Tokens;
    figures.signIn = await measure(async () => (tokens = await logIn(client, user)));
    figures.failedSignIn = await measure(async () =>
      expect((await passwordGrant(client, user.email, 'not the password at all')).status).toBe(400),
    );
    figures.signInAfterFailure = await measure(() => logIn(client, user));
    figures.refreshRotating = await measure(
      async () => (tokens = await json<Tokens>(await ok(refreshGrant(client, tokens.refresh_token)))),
    );
    // Who-am-I: the User Service's status (the token's user), and OIDC userinfo (which checks the session in D1 too).
    figures.whoAmI = await measure(() => ok(client.get('/v1/users/status', { token: tokens.access_token })));
    figures.userinfo = await measure(() => ok(client.get('/oauth/userinfo', { token: tokens.access_token })));
    await verifyStatus(client, tokens.access_token);
    figures.edgeCheckWarm = await measure(async () => expect(await verifyStatus(client, tokens.access_token)).toBe(200));
    // User Service: login, and its refresh that does not rotate.
    const us = await json(await ok(client.post('/v1/users/login', { body: { email: user.email, password: user.password } })));
    figures.userServiceRefresh = await measure(() => ok(client.post('/v1/users/accessToken', { body: { refreshToken: us.refreshToken } })));

    // Row sizes, from the rows this user's sign-ins and refresh wrote: a user and a rotated session (a refresh
    // writes no spent-secret row any more: its secrets carry a tag).
    await applyD1Migrations(env.SIZES_DB, env.TEST_MIGRATIONS);
    const one = async (sql: string, ...params: unknown[]) =>
      (await env.DB.prepare(sql)
        .bind(...params)
        .first<Record<string, unknown>>())!;
    const userRow = await one('select * from users where id = ?', user.id);
    const sessionRow = await one('select * from sessions where id = ?', tokens.refresh_token.split('.')[0]);
    const sizes = {
      // A user of the default ecosystem with an e-mail and a password hash at the default cost's length.
      user: await bytesPerRow(
        'users',
        { ...userRow, password_hash: `${userRow.password_hash}`.replace(/ln=\d+,r=\d+,p=\d+/, 'ln=14,r=8,p=5') },
        {
          id: uuidLike,
          unique_id: uuidLike,
          user_number: (i) => i,
          email: () => `'u' || lower(hex(randomblob(5))) || '@example.com'`,
          email_key: () => `'u' || lower(hex(randomblob(5))) || '@example.com'`,
        },
      ),
      // Every copy a session of the first copied user.
      session: await bytesPerRow('sessions', sessionRow, {
        id: uuidLike,
        secret_hash: hex64,
        user_id: () => `(select id from users where user_number = 1)`,
      }),
    };
    // Measured 834 and 367 bytes (2,000 copies; D1 grows by whole pages, so about ±2%).
    expect(sizes.user).toBeGreaterThan(700);
    expect(sizes.user).toBeLessThan(1000);
    expect(sizes.session).toBeGreaterThan(300);
    expect(sizes.session).toBeLessThan(450);
    // Today's figures (docs/scale.md), as ceilings. A sign-in reads its lock with the user, before
    // it hashes (so a locked account costs no hash).
    const ceilings: Record<string, [number, number, number]> = {
      // round trips, statements, rows written (D1's figure: rows and index entries)
      // A sign-in, good or bad, writes its event (issue 24) in its batch: the event's insert and its
      // webhook deliveries' (none here), two statements, and one row with its primary key and five
      // index entries (newest first overall, per user, per ecosystem, per ecosystem and type, per type):
      // seven rows written more. A failed one sends the user.locked pair too (it writes only on a lock),
      // and the lock notice's insert (it too writes only on a lock).
      signIn: [2, 7, 12],
      failedSignIn: [2, 11, 13],
      signInAfterFailure: [2, 8, 14],
      refreshRotating: [1, 3, 1],
      whoAmI: [1, 1, 0],
      userinfo: [3, 3, 0],
      edgeCheckWarm: [0, 0, 0],
      userServiceRefresh: [1, 3, 1],
    };
    for (const [name, [roundTrips, statements, rowsWritten]] of Object.entries(ceilings)) {
      const f = figures[name]!;
      expect(f.roundTrips, `${name} round trips`).toBeLessThanOrEqual(roundTrips);
      expect(f.statements, `${name} statements`).toBeLessThanOrEqual(statements);
      expect(f.rowsWritten, `${name} rows written`).toBeLessThanOrEqual(rowsWritten);
    }
    // A warm edge check never reaches D1, whatever else changes.
    expect(figures.edgeCheckWarm).toMatchObject({ roundTrips: 0, statements: 0 });
  });
});
