// Upkeep keeps up: one Cron run deletes a large backlog of ended sessions (with their spent
// secrets) and spent codes in rounds, keeps every live row, and reports that nothing is left;
// a run stopped by its time budget reports the backlog it left, in the log and on /healthz.
// The large case takes about 5 s here (1.5 s to seed, 3.4 s for the run); figures in bench/README.md.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { UPKEEP_BACKLOG_COUNT_LIMIT, UPKEEP_TIME_BUDGET_MS, type UpkeepReport } from '../../src/core/upkeep';
import { UPKEEP_BATCH_ROWS, UPKEEP_KINDS } from '../../src/store/upkeep-repo';
import type { Env } from '../../src/config';
import { json, newClient, TestClock, uniqueEmail } from '../support/driver';
import { seedBacklog } from './backlog-seed';

const BACKLOG = 100_000;
const HOUR = 3_600_000;

async function seedUser(now: number): Promise<string> {
  const id = crypto.randomUUID();
  const email = uniqueEmail('backlog');
  await env.DB.prepare(
    `insert into users (id, ecosystem_id, email, email_key, created_at, updated_at) values (?1, 'default', ?2, ?2, ?3, ?3)`,
  )
    .bind(id, email, now)
    .run();
  return id;
}

/** Rows whose id starts with the tag, in sessions, spent_secrets and one_time_codes. */
async function countTagged(tag: string): Promise<{ sessions: number; spentSecrets: number; codes: number }> {
  // A key range (LIKE would read the whole table): every id starts with `${tag}-`, and '.' follows '-'.
  const [from, to] = [`${tag}-`, `${tag}.`];
  const [sessions, spent, codes] = await env.DB.batch<{ n: number }>([
    env.DB.prepare('select count(*) as n from sessions where id > ?1 and id < ?2').bind(from, to),
    env.DB.prepare('select count(*) as n from spent_secrets where session_id > ?1 and session_id < ?2').bind(from, to),
    env.DB.prepare('select count(*) as n from one_time_codes where id > ?1 and id < ?2').bind(from, to),
  ]);
  return { sessions: sessions!.results[0]!.n, spentSecrets: spent!.results[0]!.n, codes: codes!.results[0]!.n };
}

/** Live rows upkeep must keep: a refresh session, a recently revoked one, a revoked Infinite token, a live code. */
async function seedKept(tag: string, userId: string, now: number): Promise<void> {
  await env.DB.batch([
    env.DB.prepare(`insert into sessions (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at, revoked_at) values
      (?1 || '-keep-live', ?2, 'refresh', 'h', ?3, ?3, ?4, null),
      (?1 || '-keep-recent', ?2, 'refresh', 'h', ?3, ?3, ?4, ?5)`).bind(tag, userId, now - HOUR, now + 10 * 24 * HOUR, now - HOUR / 2),
    env.DB.prepare(`insert into sessions (id, user_id, kind, rotates, expiry_type, created_at, last_used_at, revoked_at) values
      (?1 || '-keep-infinite', ?2, 'user_token', 0, 'Infinite', ?3, ?3, ?3)`).bind(tag, userId, now - 400 * 24 * HOUR),
    env.DB.prepare(`insert into one_time_codes (id, user_id, purpose, code_hash, expires_at, created_at) values
      (?1 || '-keep-code', ?2, 'reset', ?1 || '-keep-code', ?3, ?4)`).bind(tag, userId, now + HOUR, now),
  ]);
}

function upkeepLog(logs: ReturnType<typeof newClient>['logs']): UpkeepReport {
  const line = logs.find((entry) => entry.event === 'upkeep');
  expect(line, JSON.stringify(logs)).toBeDefined();
  return line!.fields as unknown as UpkeepReport;
}

/** A statement (bound or not) whose every run takes `seconds` of the test clock. */
function slowStatement(statement: D1PreparedStatement, clock: TestClock, seconds: number): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'bind') return (...args: unknown[]) => slowStatement(target.bind(...args), clock, seconds);
      if (typeof value !== 'function') return value;
      if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw') clock.advance(seconds);
      return value.bind(target);
    },
  });
}

/** A D1 binding on which every call takes `seconds` of the test clock, as a slow database would. */
function slowD1(real: D1Database, clock: TestClock, seconds: number): D1Database {
  return new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'prepare') return (sql: string) => slowStatement(target.prepare(sql), clock, seconds);
      if (prop === 'batch') clock.advance(seconds);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('upkeep that keeps up', () => {
  it(`clears ${BACKLOG.toLocaleString('en')} ended sessions (with their spent secrets) and ${BACKLOG.toLocaleString('en')} codes in one run, keeping every live row`, async () => {
    const client = newClient();
    const now = client.clock.now();
    const tag = `backlog-${crypto.randomUUID().slice(0, 8)}`;
    const userId = await seedUser(now);
    const seeded = await seedBacklog(env.DB, tag, userId, now, BACKLOG);
    await seedKept(tag, userId, now);
    expect(await countTagged(tag)).toEqual({ sessions: seeded.sessions + 3, spentSecrets: seeded.spentSecrets, codes: seeded.codes + 1 });

    await client.scheduled();

    expect(await countTagged(tag)).toEqual({ sessions: 3, spentSecrets: 0, codes: 1 });
    const report = upkeepLog(client.logs);
    expect(report).toMatchObject({
      finished: true,
      stoppedBy: 'nothing_left',
      backlog: { sessions: 0, codes: 0, authorizationCodes: 0, loginFailures: 0, mail: 0 },
    });
    // Other tests' ended rows may go in the same run: at least ours did.
    expect(report.deleted.sessions).toBeGreaterThanOrEqual(seeded.sessions);
    expect(report.deleted.spentSecrets).toBeGreaterThanOrEqual(seeded.spentSecrets);
    expect(report.deleted.codes).toBeGreaterThanOrEqual(seeded.codes);
    // Rounds of a batch each, round-robin: about BACKLOG / batch per kind, plus one short round per kind.
    expect(report.rounds).toBeLessThanOrEqual(2 * Math.ceil(BACKLOG / UPKEEP_BATCH_ROWS) + UPKEEP_KINDS.length);

    const health = await json(await client.get('/healthz'));
    expect(health.upkeep).toEqual({ ranAt: new Date(now).toISOString(), finished: true, backlog: report.backlog });
  });

  it('stops at its time budget and reports the backlog it left, in the log and on /healthz', async () => {
    const clock = new TestClock();
    const client = newClient({ clock, wrapEnv: (e: Env) => ({ ...e, DB: slowD1(e.DB, clock, 5) }) });
    const now = clock.now();
    const tag = `budget-${crypto.randomUUID().slice(0, 8)}`;
    const userId = await seedUser(now);
    await seedBacklog(env.DB, tag, userId, now, 3 * UPKEEP_BATCH_ROWS);

    await client.scheduled();

    // Every D1 call takes 5 s of the clock: the budget allows that many rounds, no more.
    const report = upkeepLog(client.logs);
    expect(report).toMatchObject({ finished: false, stoppedBy: 'time_budget', rounds: UPKEEP_TIME_BUDGET_MS / 5000 });
    const left = await countTagged(tag);
    expect(report.backlog.sessions).toBeGreaterThanOrEqual(left.sessions);
    expect(report.backlog.codes).toBeGreaterThanOrEqual(left.codes);
    expect(left.sessions + left.codes).toBeGreaterThan(0);
    expect(report.backlog.sessions).toBeLessThanOrEqual(UPKEEP_BACKLOG_COUNT_LIMIT);
    const health = await json(await client.get('/healthz'));
    expect(health.upkeep).toEqual({ ranAt: report.ranAt, finished: false, backlog: report.backlog });

    // The next run (at full speed) finishes the job.
    const next = newClient({ clock });
    await next.scheduled();
    expect(await countTagged(tag)).toEqual({ sessions: 0, spentSecrets: 0, codes: 0 });
    expect(upkeepLog(next.logs)).toMatchObject({ finished: true, backlog: { sessions: 0, codes: 0 } });
  });
});
