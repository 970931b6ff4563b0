// What each hot route asks of D1 and KV, counted by wrapping the real bindings (no timing here; the
// CPU figures are in bench/README.md). These counts are the guard: a route that gains a D1 round
// trip, a statement, a row written or a KV call fails here.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { counting, type Counts } from '../support/counting';
import { countingD1, noCounts } from '../support/counting-d1';
import { json, newClient } from '../support/driver';
import { createUser, logIn, passwordGrant, refreshGrant, verifyStatus, type Tokens } from '../support/accounts';

/** The counts that matter, without the SQL (kept for the failure message). */
function shape(counts: Counts) {
  const { d1RoundTrips, d1Statements, d1RowsWritten, kvCalls } = counts;
  return { d1RoundTrips, d1Statements, d1RowsWritten, kvCalls };
}

function expectCounts(counts: Counts, expected: ReturnType<typeof shape>) {
  expect(shape(counts), `${counts.sql.join('\n')}\n${counts.kvOps.join('\n')}`).toEqual(expected);
}

async function setup(vars: Record<string, string> = {}, options: { unlimited?: boolean } = {}) {
  const meter = counting();
  // `unlimited`: a deployment without the rate-limiting binding (nothing is limited then), for
  // loops that send more than its 30 a minute.
  const wrapEnv = options.unlimited ? (e: Env) => ({ ...meter.wrapEnv(e), AUTH_RATE_LIMITER: undefined }) : meter.wrapEnv;
  const client = newClient({ wrapEnv, vars });
  const user = await createUser(client);
  const tokens = await logIn(client, user);
  meter.take();
  return { client, meter, user, tokens };
}

describe('the hot path, counted', () => {
  it('checks a warm token at the edge and serves the JWKS with no D1 or KV call', async () => {
    const { client, meter, tokens } = await setup();
    expect(await verifyStatus(client, tokens.access_token)).toBe(200);
    meter.take();
    expect(await verifyStatus(client, tokens.access_token)).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 0, d1Statements: 0, d1RowsWritten: 0, kvCalls: 0 });
    expect((await client.get('/.well-known/jwks.json')).status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 0, d1Statements: 0, d1RowsWritten: 0, kvCalls: 0 });
  });

  it('answers who-am-I with one D1 read', async () => {
    const { client, meter, tokens } = await setup();
    expect((await client.get('/v1/users/status', { token: tokens.access_token })).status).toBe(200);
    meter.take();
    expect((await client.get('/v1/users/status', { token: tokens.access_token })).status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 1, d1Statements: 1, d1RowsWritten: 0, kvCalls: 0 });
  });

  it('mints an access token from a session in one D1 round trip, writing one row', async () => {
    const { client, meter, user } = await setup();
    const login = await json(await client.post('/v1/users/login', { body: { email: user.email, password: user.password } }));
    meter.take();
    const minted = await client.post('/v1/users/accessToken', { body: { refreshToken: login.refreshToken } });
    expect(minted.status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 1, d1Statements: 3, d1RowsWritten: 1, kvCalls: 0 });
  });

  it('refreshes a rotating session in one D1 round trip, writing one row', async () => {
    const { client, meter, tokens } = await setup();
    const response = await refreshGrant(client, tokens.refresh_token);
    expect(response.status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 1, d1Statements: 3, d1RowsWritten: 1, kvCalls: 0 });
  });

  it('signs in writing only the session and its event, and a failed sign-in writes only its two counters and its event', async () => {
    const { client, meter, user } = await setup();
    // Each sign-in, good or bad, also writes its event (signin.succeeded or signin.failed) in its own
    // batch: two statements more (the event and its webhook deliveries, none here) and one row more.
    // A failed one has two such pairs (its user.locked is written only when it starts a lock), and
    // the owner's lock notice (queued only when it starts a lock; an unknown account's runs alike).
    expect((await passwordGrant(client, user.email, user.password)).status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 2, d1Statements: 7, d1RowsWritten: 2, kvCalls: 0 });
    expect((await passwordGrant(client, user.email, 'not the password at all')).status).toBe(400);
    expectCounts(meter.take(), { d1RoundTrips: 2, d1Statements: 11, d1RowsWritten: 3, kvCalls: 0 });
    // The next good sign-in clears the two counters in its own batch: three rows, one statement more.
    expect((await passwordGrant(client, user.email, user.password)).status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 2, d1Statements: 8, d1RowsWritten: 4, kvCalls: 0 });
    expect((await passwordGrant(client, user.email, user.password)).status).toBe(200);
    expectCounts(meter.take(), { d1RoundTrips: 2, d1Statements: 7, d1RowsWritten: 2, kvCalls: 0 });
  });
});

describe('state that stays bounded', () => {
  it('keeps a session at one row through 1,000 refreshes, reuse detection intact', async () => {
    const { client, tokens } = await setup({}, { unlimited: true });
    const db = (env as unknown as { DB: D1Database }).DB;
    const sid = tokens.refresh_token.split('.')[0]!;
    const stored = async () => {
      const sessions = await db.prepare('select count(*) as n from sessions where id = ?').bind(sid).first<{ n: number }>();
      const spent = await db.prepare('select count(*) as n from spent_secrets where session_id = ?').bind(sid).first<{ n: number }>();
      return { sessions: sessions!.n, spent: spent!.n };
    };
    let current: Tokens = await json(await refreshGrant(client, tokens.refresh_token));
    const afterFirst = await stored();
    const early = current.refresh_token;
    for (let i = 1; i < 1000; i += 1) {
      const response = await refreshGrant(client, current.refresh_token);
      expect(response.status).toBe(200);
      current = await json(response);
    }
    expect(await stored()).toEqual(afterFirst);
    expect(afterFirst).toEqual({ sessions: 1, spent: 0 });
    // A secret spent 999 rotations ago is still recognised: the whole session ends.
    client.clock.advance(60);
    expect((await refreshGrant(client, early)).status).toBe(400);
    expect((await refreshGrant(client, current.refresh_token)).status).toBe(400);
    expect(await verifyStatus(client, current.access_token)).toBe(401);
  });

  it('holds at most MAX_SESSIONS_PER_USER live sign-in sessions, ending the oldest with its tokens', async () => {
    const max = 5;
    const { client, user, tokens: oldest } = await setup({ MAX_SESSIONS_PER_USER: String(max) });
    const all: Tokens[] = [oldest];
    for (let i = 1; i < max + 20; i += 1) {
      client.clock.advance(1);
      all.push(await logIn(client, user));
    }
    const live = await client.admin('GET', `/admin/v1/users/${user.id}/sessions`);
    const items = (await json(live)).items as { id: string }[];
    expect(items).toHaveLength(max);
    const newest = all.slice(-max).map((tokens) => tokens.refresh_token.split('.')[0]);
    expect(items.map((item) => item.id).sort()).toEqual(newest.sort());
    // The oldest's refresh and access tokens are dead; the newest's live.
    expect((await refreshGrant(client, oldest.refresh_token)).status).toBe(400);
    expect(await verifyStatus(client, oldest.access_token)).toBe(401);
    expect(await verifyStatus(client, all.at(-1)!.access_token)).toBe(200);
  });

  it('makes a droplit user with the same D1 work whether its ecosystem holds one user or a hundred', async () => {
    const counts = noCounts();
    const client = newClient({ wrapEnv: (e: Env) => ({ ...e, AUTH_RATE_LIMITER: undefined, DB: countingD1(e.DB, counts) }) });
    const ecosystem = (await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'bounded' } }))).id as string;
    const put = async (n: number) => {
      Object.assign(counts, noCounts());
      const response = await client.admin('PUT', `/api/users/${ecosystem};app-${n}`, { body: { email: `app-${n}@example.com` } });
      expect(response.status, await response.clone().text()).toBe(201);
      const { roundTrips, statements, rowsRead, rowsWritten } = counts;
      return { roundTrips, statements, rowsRead, rowsWritten };
    };
    const first = await put(0);
    for (let n = 1; n < 100; n += 1) await put(n);
    // Rows read and written (D1's figures, index entries included) do not grow with the users: no scan.
    expect(await put(100)).toEqual(first);
  });
});
