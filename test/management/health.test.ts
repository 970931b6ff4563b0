// GET /healthz answers 200 only when D1 and KV answer, with the migration level, the outbox
// backlog and what the last Cron upkeep left, else 503 naming what is down; the User Service's health answers 503 when D1 or KV is
// down or the database was never migrated. A bad var makes both a 500 naming the variable.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { json, newClient } from '../support/driver';

const down = () => Promise.reject(new Error('binding unreachable'));

/** A D1 binding whose every statement fails, as when D1 is unreachable. */
function failingD1(): D1Database {
  const statement = { bind: () => statement, all: down, raw: down, run: down, first: down };
  return { prepare: () => statement, batch: down, exec: down, dump: down, withSession: () => failingD1() } as unknown as D1Database;
}

/** A KV binding whose reads and writes fail. */
function failingKv(real: KVNamespace): KVNamespace {
  return { ...real, get: down, put: down, list: down, getWithMetadata: down, delete: down } as unknown as KVNamespace;
}

const withoutD1 = (e: Env): Env => ({ ...e, DB: failingD1() });
const withoutKv = (e: Env): Env => ({ ...e, TOKENS: failingKv(e.TOKENS) });
/** A real D1 database no migration was applied to, as after a deploy that skipped `db:migrate:remote`. */
const unmigrated = (e: Env): Env => ({ ...e, DB: env.UNMIGRATED_DB });

describe('GET /healthz', () => {
  it('answers 200 JSON with the migration level, the outbox backlog and the last upkeep when D1 and KV answer', async () => {
    const client = newClient();
    await client.scheduled();
    const response = await client.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await json(response);
    expect(body).toEqual({
      status: 'ok',
      d1: 'ok',
      kv: 'ok',
      migrations: env.TEST_MIGRATIONS.at(-1)!.name,
      outbox: { pending: expect.any(Number), failed: expect.any(Number) },
      upkeep: {
        ranAt: new Date(client.clock.now()).toISOString(),
        finished: true,
        backlog: {
          sessions: 0,
          pendingUsers: 0,
          codes: 0,
          authorizationCodes: 0,
          deviceAuthorizations: 0,
          clientAssertionIds: 0,
          signInChallenges: 0,
          passkeyChallenges: 0,
          loginFailures: 0,
          mail: 0,
          events: 0,
        },
      },
    });
  });

  it('answers 503 naming D1 when D1 does not answer', async () => {
    const client = newClient({ wrapEnv: withoutD1 });
    const response = await client.get('/healthz');
    expect(response.status).toBe(503);
    // KV still answers, so the last upkeep's report (if any run wrote one yet) still shows.
    const { upkeep, ...rest } = await json(response);
    expect(rest).toEqual({ status: 'unavailable', down: ['d1'], d1: 'down', kv: 'ok', migrations: null, outbox: null });
    expect(upkeep === null || typeof upkeep.ranAt === 'string').toBe(true);
    expect(JSON.stringify(client.logs)).toContain('health_d1_down');
  });

  it('answers 503 naming KV when KV does not answer', async () => {
    const response = await newClient({ wrapEnv: withoutKv }).get('/healthz');
    expect(response.status).toBe(503);
    expect(await json(response)).toMatchObject({ status: 'unavailable', down: ['kv'], d1: 'ok', kv: 'down', upkeep: null });
  });

  it('names both when both are down', async () => {
    const response = await newClient({ wrapEnv: (e) => withoutKv(withoutD1(e)) }).get('/healthz');
    expect(response.status).toBe(503);
    expect((await json(response)).down).toEqual(['d1', 'kv']);
  });
});

describe('the User Service health route', () => {
  it('answers "all good" while D1 answers, and 503 when it does not', async () => {
    expect(await (await newClient().get('/v1/users/health')).text()).toBe('all good');
    const response = await newClient({ wrapEnv: withoutD1 }).get('/v1/users/health');
    expect(response.status).toBe(503);
    expect(await response.text()).not.toBe('all good');
  });

  it('answers 503 when the database was never migrated, as /healthz does', async () => {
    const client = newClient({ wrapEnv: unmigrated });
    const response = await client.get('/v1/users/health');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('database unavailable');
    expect((await client.get('/healthz')).status).toBe(503);
  });

  it('answers 503 when KV does not answer', async () => {
    const response = await newClient({ wrapEnv: withoutKv }).get('/v1/users/health');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('token store unavailable');
  });
});

describe('health with a broken configuration', () => {
  it('answers 500 naming the variable on both health routes, never "all good"', async () => {
    for (const path of ['/healthz', '/v1/users/health', '/v2/users/health']) {
      const response = await newClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: 'ten' } }).get(path);
      expect(response.status, path).toBe(500);
      expect((await json(response)).error).toEqual({
        code: 'CONFIGURATION',
        message: expect.stringContaining('ACCESS_TOKEN_TTL_SECONDS'),
      });
    }
  });
});
