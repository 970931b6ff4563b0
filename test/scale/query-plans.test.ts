// Issue 15's guard: every statement the service sends to D1 is served by an index range or a
// unique lookup, however large the users-sized tables grow. A tour of every route of every face
// (plus searches, cursors, numbered pages and the Cron handler) runs through a D1 binding that
// records each SQL text it is asked to prepare; then each distinct statement's
// `EXPLAIN QUERY PLAN` must show no SCAN of a users-sized table, not even of a covering index.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db';
import { countBacklog, UPKEEP_KINDS } from '../../src/store/upkeep-repo';
import { json, newClient, type Client } from '../support/driver';
import { ALL_ROUTES } from '../robustness/routes';
import { usual } from '../robustness/sweep';
import { buildWorld, send, type World } from '../robustness/world';
import { consoleAdmin } from '../console/support';

/** Tables that grow with the users (one or more rows per user, or per login, mail or failure). */
const BIG = [
  'users',
  'sessions',
  'spent_secrets',
  'one_time_codes',
  'login_failures',
  'attributes',
  'access_grants',
  'outbox',
  'events',
  'webhook_deliveries',
];

/**
 * Scans that stop after LIMIT rows because the index's order is the statement's ORDER BY (no
 * temporary sort): reading the first page of all users in creation order is a walk of LIMIT
 * entries of users_created_all, not of the table.
 */
const BOUNDED_SCANS = ['SCAN users USING INDEX users_created_all', 'SCAN events USING INDEX events_at'];

function recordingDb(db: D1Database, seen: Set<string>): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => (seen.add(sql), target.prepare(sql));
      if (prop === 'exec') return (sql: string) => (seen.add(sql), target.exec(sql));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function tour(client: Client): Promise<void> {
  let w: World = await buildWorld(client);
  const reads = ALL_ROUTES.filter((route) => route.method === 'GET' || route.method === 'OPTIONS');
  for (const route of reads) await send(client, route.method, route.path(w), usual(route, w));
  for (const route of ALL_ROUTES.filter((r) => !reads.includes(r))) {
    w = await buildWorld(client);
    const response = await send(client, route.method, route.path(w), usual(route, w));
    expect(response.status, `${route.name}: ${await response.clone().text()}`).toBeLessThan(500);
  }
  w = await buildWorld(client);
  // Searches with and without an ecosystem, and every listing's second page (its keyset cursor).
  const listings = [
    `/admin/v1/users?limit=1`,
    `/admin/v1/users?limit=1&q=${w.tag}`,
    `/admin/v1/users?limit=1&ecosystemId=${w.eco.id}`,
    `/admin/v1/users?limit=1&ecosystemId=default&q=${w.tag}`,
    `/api/users?limit=1&ecosystemId=${w.eco.id}`,
    // The event log (issue 24): each filter's index, newest first, and its keyset cursor.
    `/admin/v1/events?limit=1`,
    `/admin/v1/events?limit=1&ecosystemId=${w.eco.id}`,
    `/admin/v1/events?limit=1&type=user.created`,
    `/admin/v1/events?limit=1&ecosystemId=${w.eco.id}&type=user.created`,
    `/admin/v1/events?limit=1&userId=${w.user.id}&type=signin.succeeded&since=2020-01-01T00:00:00Z`,
    `/admin/v1/users/${w.user.id}/events?limit=1`,
  ];
  for (const path of listings) {
    const first = await client.admin('GET', path);
    expect(first.status, path).toBe(200);
    const page = await json(first);
    const cursor = page.next ?? page.nextCursor;
    if (cursor) expect((await client.admin('GET', `${path}&cursor=${encodeURIComponent(cursor)}`)).status, path).toBe(200);
  }
  expect((await client.admin('GET', '/api/v2/users?offset=3&limit=2')).status).toBe(200);
  // The console (issue 26): each screen that reads a listing, as an admin signed in with a second factor.
  const admin = await consoleAdmin(client);
  const screens = [
    `/console/users?q=${w.tag}`,
    `/console/users?ecosystem=${w.eco.id}&q=${w.tag}`,
    `/console/users?ecosystem=${w.eco.id}`,
    `/console/users/${w.user.id}`,
    `/console/ecosystems/${w.eco.id}`,
    '/console/outbox?status=failed',
    `/console/outbox?to=${encodeURIComponent(w.user.email)}`,
    `/console/events?type=user.created&ecosystemId=${w.eco.id}`,
    `/console/webhooks/${w.webhook.id}`,
    '/console/clients',
    '/console/identity-providers',
    '/console/health',
  ];
  for (const path of screens) expect((await admin.browser.get(path)).status, path).toBe(200);
  // Tokens in use: the droplit token and a refreshed OAuth session; then the Cron Trigger's upkeep.
  await send(client, 'GET', '/auth/verify?ecosystem=*', { token: w.tokens.app });
  await send(client, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: w.tokens.refresh } });
  await client.scheduled();
  client.clock.advance(400 * 86_400);
  await client.scheduled();
}

/** EXPLAIN QUERY PLAN of a statement, with every parameter bound to null (no statistics: the plan does not depend on values). */
async function plan(db: D1Database, sql: string): Promise<string[]> {
  const code = sql.replace(/'(?:[^']|'')*'/g, '').replace(/"(?:[^"]|"")*"/g, '');
  const marks = code.match(/\?\d*/g) ?? [];
  const numbered = marks.filter((mark) => mark.length > 1).map((mark) => Number(mark.slice(1)));
  const count = numbered.length > 0 ? Math.max(...numbered) : marks.length;
  const params = Array.from({ length: count }, () => null);
  try {
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((row) => row.detail);
  } catch (error) {
    throw new Error(`EXPLAIN QUERY PLAN failed for: ${sql}`, { cause: error });
  }
}

/**
 * The SCANs of users-sized tables in a plan, and the walks of a whole ecosystem (an ecosystem is
 * users-sized too): a SEARCH of users constrained by `ecosystem_id=?` alone is bounded only when
 * it stops after LIMIT rows in index order, with no OFFSET and no keyset condition left out of the
 * index's constraint (which would be tested row by row from the ecosystem's start).
 */
function scansOfBigTables(sql: string, details: string[]): string[] {
  const bounded = / limit \?/i.test(sql) && !/ offset /i.test(sql) && !details.some((detail) => detail.includes('TEMP B-TREE'));
  return details.filter((detail) => {
    const table = /^SCAN (\w+)/.exec(detail)?.[1];
    if (table) return BIG.includes(table) && !(BOUNDED_SCANS.includes(detail) && bounded);
    if (/^SEARCH users USING (COVERING )?INDEX \w+ \(ecosystem_id=\?\)$/.test(detail)) return !bounded || /"created_at" >/.test(sql);
    return false;
  });
}

describe('query plans (issue 15)', () => {
  it('serves every statement of a tour of every route from an index range or a unique lookup, never a scan of a users-sized table', async () => {
    const seen = new Set<string>();
    const client = newClient({ wrapEnv: (real) => ({ ...real, DB: recordingDb(real.DB, seen) }) });
    await tour(client);
    // What a Cron run stopped by its budget sends as well: the count of the backlog it left.
    const recorded = openDb(recordingDb(env.DB, seen));
    const now = client.clock.now();
    const cutoffs = {
      now,
      refreshEndedBefore: now,
      fixedTtlExpiredBefore: now,
      codesEndedBefore: now,
      authorizationCodesExpiredBefore: now,
      loginFailuresStaleBefore: now,
      mailSentBefore: now,
      eventsBefore: now,
    };
    for (const kind of UPKEEP_KINDS) await countBacklog(recorded, kind, cutoffs, 10);
    // An empty or shrunken tour must not pass silently.
    expect(seen.size).toBeGreaterThanOrEqual(60);
    const problems: string[] = [];
    for (const sql of seen) {
      const scans = scansOfBigTables(sql, await plan(env.DB, sql));
      if (scans.length > 0) problems.push(`${scans.join('; ')}  <=  ${sql}`);
    }
    expect(problems).toEqual([]);
    // A world per write route (each with its password hashes): the tour grows with the routes, and on
    // a shared machine runs well past the default 30 s.
  }, 120_000);

  it('refuses a scan, a count over an ecosystem and an OFFSET page in the check itself', async () => {
    const scan = 'select * from "users" where "users"."first_name" = ? limit ?';
    expect(scansOfBigTables(scan, await plan(env.DB, scan))).toEqual(['SCAN users']);
    const count = 'select count(*) from "users" where "users"."ecosystem_id" = ?';
    expect(scansOfBigTables(count, await plan(env.DB, count))).toHaveLength(1);
    const offset = 'select * from "users" where "users"."ecosystem_id" = ? order by "users"."created_at", "users"."id" limit ? offset ?';
    expect(scansOfBigTables(offset, await plan(env.DB, offset))).toHaveLength(1);
    const first = 'select * from "users" where "users"."ecosystem_id" = ? order by "users"."created_at", "users"."id" limit ?';
    expect(scansOfBigTables(first, await plan(env.DB, first))).toEqual([]);
  });
});
