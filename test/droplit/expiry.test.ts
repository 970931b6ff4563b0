import { describe, expect, it } from 'vitest';
import { claimsOf, verifyStatus } from '../support/accounts';
import { json, newClient, TestClock, type Client } from '../support/driver';
import { appUserId, countingKv, KvWriteCount, newEcosystem, raw, userPath, type TestEcosystem } from './support';

interface TestUser {
  eco: TestEcosystem;
  id: string;
}

async function newUser(client: Client): Promise<TestUser> {
  const eco = await newEcosystem(client);
  const id = appUserId();
  expect((await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) })).status).toBe(201);
  return { eco, id };
}

async function issue(client: Client, user: TestUser, query: string): Promise<string> {
  const response = await client.post(userPath(user.eco.id, user.id, `/tokens?${query}`), raw(user.eco.serverToken));
  expect(response.status).toBe(200);
  return (await json(response)).token;
}

/** One token of each expiry type, each with a one-minute TTL where it has one. */
async function oneOfEach(client: Client, user: TestUser): Promise<string[]> {
  return Promise.all(
    ['expiryType=FixedTtl&ttl=60', 'expiryType=SlidingTtl&ttl=60', 'expiryType=Infinite'].map((query) => issue(client, user, query)),
  );
}

async function statuses(client: Client, tokens: string[]): Promise<number[]> {
  const result: number[] = [];
  for (const token of tokens) result.push(await verifyStatus(client, token));
  return result;
}

describe('droplit user token expiry', () => {
  it('ends a FixedTtl token ttl seconds after issue, used or not', async () => {
    const client = newClient();
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=FixedTtl&ttl=120');
    const { iat } = claimsOf(token) as { iat: number };
    client.clock.ms = iat * 1000;
    client.clock.advance(119);
    expect(await verifyStatus(client, token)).toBe(200);
    client.clock.advance(1);
    expect(await verifyStatus(client, token)).toBe(401);
  });

  it('keeps a SlidingTtl token alive while it is used and ends it once idle for ttl seconds', async () => {
    const client = newClient();
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=SlidingTtl&ttl=300');
    for (let minute = 1; minute <= 20; minute++) {
      client.clock.advance(240);
      expect(await verifyStatus(client, token)).toBe(200);
    }
    client.clock.advance(299);
    expect(await verifyStatus(client, token)).toBe(200);
    client.clock.advance(301);
    expect(await verifyStatus(client, token)).toBe(401);
  });

  it('works with a TTL under KV’s 60-second minimum', async () => {
    const client = newClient();
    const user = await newUser(client);
    const sliding = await issue(client, user, 'expiryType=SlidingTtl&ttl=5');
    const fixed = await issue(client, user, 'expiryType=FixedTtl&ttl=5');
    for (let i = 0; i < 20; i++) {
      client.clock.advance(0.7);
      expect(await verifyStatus(client, sliding)).toBe(200);
    }
    expect(await verifyStatus(client, fixed)).toBe(401);
    client.clock.advance(5.5);
    expect(await verifyStatus(client, sliding)).toBe(401);
  });

  it('keeps a one-second SlidingTtl token alive while used more often than once a second', async () => {
    const client = newClient();
    const user = await newUser(client);
    client.clock.ms = Math.ceil(client.clock.ms / 1000) * 1000;
    const token = await issue(client, user, 'expiryType=SlidingTtl&ttl=1');
    for (let i = 0; i < 10; i++) {
      client.clock.advance(0.7);
      expect(await verifyStatus(client, token)).toBe(200);
    }
    client.clock.advance(1.1);
    expect(await verifyStatus(client, token)).toBe(401);
  });

  it('keeps a sliding token alive in another isolate through the last use written to KV', async () => {
    const clock = new TestClock();
    const first = newClient({ clock });
    const user = await newUser(first);
    const token = await issue(first, user, 'expiryType=SlidingTtl&ttl=100');
    for (let i = 0; i < 15; i++) {
      clock.advance(10);
      expect(await verifyStatus(first, token)).toBe(200);
    }
    clock.advance(80);
    const second = newClient({ clock });
    expect(await verifyStatus(second, token)).toBe(200);
  });

  it('never ends an Infinite token by time', async () => {
    const client = newClient();
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=Infinite');
    client.clock.advance(5 * 365 * 24 * 3600);
    expect(await verifyStatus(client, token)).toBe(200);
  });

  it('ends tokens of every type when the user is logged out', async () => {
    const client = newClient();
    const user = await newUser(client);
    const tokens = await oneOfEach(client, user);
    expect(await statuses(client, tokens)).toEqual([200, 200, 200]);
    expect((await client.delete(userPath(user.eco.id, user.id, '/tokens'), raw(user.eco.serverToken))).status).toBe(200);
    expect(await statuses(client, tokens)).toEqual([401, 401, 401]);
    const elsewhere = newClient({ clock: client.clock });
    expect(await statuses(elsewhere, tokens)).toEqual([401, 401, 401]);
  });

  it('ends tokens of every type when the user is deleted', async () => {
    const client = newClient();
    const user = await newUser(client);
    const tokens = await oneOfEach(client, user);
    expect(await statuses(client, tokens)).toEqual([200, 200, 200]);
    expect((await client.delete(userPath(user.eco.id, user.id), raw(user.eco.serverToken))).status).toBe(200);
    expect(await statuses(client, tokens)).toEqual([401, 401, 401]);
  });

  it('ends tokens of every type when the operator disables the user', async () => {
    const client = newClient();
    const user = await newUser(client);
    const tokens = await oneOfEach(client, user);
    const listed = await json(await client.admin('GET', `/admin/v1/users?ecosystemId=${user.eco.id}`));
    const disabled = await client.admin('PATCH', `/admin/v1/users/${listed.items[0].id}`, { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(await statuses(client, tokens)).toEqual([401, 401, 401]);
  });

  it('ends only the one token whose session the operator revokes', async () => {
    const client = newClient();
    const user = await newUser(client);
    const tokens = await oneOfEach(client, user);
    for (const [index, token] of tokens.entries()) {
      const revoked = await client.admin('DELETE', `/admin/v1/sessions/${claimsOf(token).sid}`);
      expect(revoked.status).toBe(204);
      expect(await statuses(client, tokens)).toEqual(tokens.map((_, i) => (i <= index ? 401 : 200)));
    }
  });
});

describe('the KV cost of a sliding token', () => {
  it('writes a busy token’s last use about ten times a TTL, never once per request', async () => {
    const writes = new KvWriteCount();
    const client = newClient({ wrapEnv: (env) => ({ ...env, TOKENS: countingKv(env.TOKENS, writes) }) });
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=SlidingTtl&ttl=100');
    const before = new Map(writes.byPrefix);
    for (let use = 0; use < 1000; use++) {
      client.clock.advance(0.1);
      expect(await verifyStatus(client, token)).toBe(200);
    }
    expect(writes.of('slide')).toBeGreaterThanOrEqual(9);
    expect(writes.of('slide')).toBeLessThanOrEqual(10);
    for (const [prefix, count] of writes.byPrefix) if (prefix !== 'slide') expect(count).toBe(before.get(prefix) ?? 0);
    client.clock.advance(101);
    expect(await verifyStatus(client, token)).toBe(401);
  });

  it('writes at most once a second even when the TTL is short', async () => {
    const writes = new KvWriteCount();
    const client = newClient({ wrapEnv: (env) => ({ ...env, TOKENS: countingKv(env.TOKENS, writes) }) });
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=SlidingTtl&ttl=2');
    for (let use = 0; use < 100; use++) {
      client.clock.advance(0.05);
      expect(await verifyStatus(client, token)).toBe(200);
    }
    expect(writes.of('slide')).toBeLessThanOrEqual(5);
  });

  it('keeps a token working when KV refuses its writes', async () => {
    const writes = new KvWriteCount();
    const client = newClient({
      wrapEnv: (env) => ({ ...env, TOKENS: countingKv(env.TOKENS, writes, (key) => key.startsWith('slide:')) }),
    });
    const user = await newUser(client);
    const token = await issue(client, user, 'expiryType=SlidingTtl&ttl=60');
    for (let use = 0; use < 30; use++) {
      client.clock.advance(5);
      expect(await verifyStatus(client, token)).toBe(200);
    }
    expect(writes.of('slide')).toBeGreaterThan(0);
    expect(client.logs.some((line) => line.event === 'sliding_write_failed')).toBe(true);
  });
});
