// docs/scale.md's sharding, proved locally on four D1 databases: users spread over them by a hash
// of the user id, a session lives in its user's database only, and a race of many refreshes of one
// refresh token through separate routers (as separate isolates would be) still has one winner.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/digest';
import { BUCKETS, bucketOf, bucketOfSession, ShardedAuthStore } from '../../src/store/sharded-db';
import { uniqueEmail } from '../support/driver';

const shards = () => [env.SHARD_0, env.SHARD_1, env.SHARD_2, env.SHARD_3];
const RACERS = 1_000;
const DAY = 86_400_000;

beforeAll(async () => {
  for (const db of shards()) await applyD1Migrations(db, env.TEST_MIGRATIONS);
});

async function userWithSession(store: ShardedAuthStore, now: number) {
  const userId = crypto.randomUUID();
  await store.insertUser(userId, uniqueEmail('shard'), now);
  const sessionId = store.newSessionId(userId);
  const secret = crypto.randomUUID();
  await store.insertSession({ id: sessionId, userId, secretHash: sha256Hex(secret), now, expiresAt: now + 30 * DAY });
  return { userId, sessionId, secret };
}

describe('auth state sharded by a hash of the user id (docs/scale.md)', () => {
  it('spreads users over every database and keeps each session in its user’s database only', async () => {
    const store = new ShardedAuthStore(shards());
    // 4,000 random user ids over 4 databases: each gets its share (1,000 expected, ±10% is over 6 sigma).
    const perShard = [0, 0, 0, 0];
    for (let i = 0; i < 4_000; i++) perShard[store.shardOfUser(crypto.randomUUID())]! += 1;
    for (const count of perShard) expect(Math.abs(count - 1_000)).toBeLessThan(100);
    expect(bucketOf('x')).toBeLessThan(BUCKETS);

    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      const { userId, sessionId } = await userWithSession(store, now);
      const shard = store.shardOfUser(userId);
      expect(bucketOfSession(sessionId)).toBe(bucketOf(userId));
      expect(await store.copiesOfSession(sessionId)).toEqual([0, 1, 2, 3].map((k) => (k === shard ? 1 : 0)));
    }
  });

  it(`lets exactly one of ${RACERS.toLocaleString('en')} concurrent refreshes of one token through separate routers win`, async () => {
    const now = Date.now();
    const { sessionId, secret } = await userWithSession(new ShardedAuthStore(shards()), now);
    const successors = Array.from({ length: RACERS }, () => crypto.randomUUID());
    // One router per racer: nothing in memory is shared, as between isolates.
    const won = await Promise.all(
      successors.map((successor) =>
        new ShardedAuthStore(shards()).rotateSecret(sessionId, sha256Hex(secret), sha256Hex(successor), now + 1),
      ),
    );
    const winners = successors.filter((_, k) => won[k]);
    expect(winners).toHaveLength(1);
    const row = await new ShardedAuthStore(shards()).findSession(sessionId);
    expect(row).toMatchObject({ secretHash: sha256Hex(winners[0]!), generation: 1 });

    // The spent secret never wins again; the winner's successor rotates once more.
    const store = new ShardedAuthStore(shards());
    expect(await store.rotateSecret(sessionId, sha256Hex(secret), sha256Hex('late'), now + 2)).toBe(false);
    expect(await store.rotateSecret(sessionId, sha256Hex(winners[0]!), sha256Hex('next'), now + 2)).toBe(true);
    expect((await store.findSession(sessionId))?.generation).toBe(2);
  });

  it('routes a token that names no bucket nowhere', async () => {
    const store = new ShardedAuthStore(shards());
    expect(store.shardOfSession(crypto.randomUUID())).toBeNull();
    expect(await store.rotateSecret('not-a-session', 'a', 'b', Date.now())).toBe(false);
  });
});
