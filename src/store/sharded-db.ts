// The local proof of docs/scale.md's sharding, not wired into the Worker: a user's auth state
// (the user row and its sessions) lives in one of several D1 databases, picked by a hash of the
// user id into one of BUCKETS buckets and a bucket-to-shard map. A session id starts with its
// bucket, so a refresh token (`<session id>.<secret>`) finds its shard without a lookup, and the
// refresh's compare-and-set runs in the one database that holds the row: exactly as on one D1.
// The map is the seam for resharding (a bucket moves, the map changes); here it is bucket mod N.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { openDb, type Db } from './db';
import { sessions, users } from './schema';

/** Buckets, fixed for good (a session id carries its bucket); shards are how many databases hold them. */
export const BUCKETS = 4096;

/**
 * FNV-1a, 32 bits, of the user id: spreads the service's random user ids evenly. Ids a caller
 * chooses (droplit's) could be picked to crowd one bucket; production would key the hash (HMAC
 * with a secret), which changes nothing else here.
 */
export function bucketOf(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % BUCKETS;
}

const BUCKET_DIGITS = 3;

/** A session id that names its bucket: three hex digits, a dash, then a random UUID. */
export function sessionIdIn(bucket: number, uuid: string): string {
  return `${bucket.toString(16).padStart(BUCKET_DIGITS, '0')}-${uuid}`;
}

export function bucketOfSession(sessionId: string): number | null {
  const match = /^([0-9a-f]{3})-/.exec(sessionId);
  return match ? parseInt(match[1]!, 16) : null;
}

export interface NewShardedSession {
  id: string;
  userId: string;
  secretHash: string;
  now: number;
  expiresAt: number;
}

export class ShardedAuthStore {
  private readonly dbs: readonly Db[];

  constructor(
    shards: readonly D1Database[],
    /** Which shard holds a bucket: the directory a reshard would change. */
    private readonly shardOfBucket: (bucket: number) => number = (bucket) => bucket % shards.length,
  ) {
    if (shards.length === 0) throw new Error('ShardedAuthStore needs at least one database');
    this.dbs = shards.map(openDb);
  }

  shardOfUser(userId: string): number {
    return this.shardOfBucket(bucketOf(userId));
  }

  /** The shard of a session, from its id alone; null for an id that names no bucket. */
  shardOfSession(sessionId: string): number | null {
    const bucket = bucketOfSession(sessionId);
    return bucket === null ? null : this.shardOfBucket(bucket);
  }

  newSessionId(userId: string): string {
    return sessionIdIn(bucketOf(userId), crypto.randomUUID());
  }

  async insertUser(userId: string, email: string, now: number): Promise<void> {
    const db = this.dbs[this.shardOfUser(userId)]!;
    await db.insert(users).values({ id: userId, ecosystemId: 'default', email, emailKey: email, createdAt: now, updatedAt: now });
  }

  async insertSession(row: NewShardedSession): Promise<void> {
    if (this.shardOfSession(row.id) !== this.shardOfUser(row.userId)) throw new Error('a session id must name its user’s bucket');
    const db = this.dbs[this.shardOfUser(row.userId)]!;
    await db.insert(sessions).values({
      id: row.id,
      userId: row.userId,
      kind: 'refresh',
      secretHash: row.secretHash,
      createdAt: row.now,
      lastUsedAt: row.now,
      expiresAt: row.expiresAt,
    });
  }

  /**
   * The refresh's compare-and-set, in the session's own database: swap the secret's hash only if
   * it is still `fromHash` and the session is live. True for the one caller that swapped it.
   */
  async rotateSecret(sessionId: string, fromHash: string, toHash: string, now: number): Promise<boolean> {
    const shard = this.shardOfSession(sessionId);
    if (shard === null) return false;
    const swapped = await this.dbs[shard]!.update(sessions)
      .set({ secretHash: toHash, rotatedAt: now, lastUsedAt: now, generation: sql`${sessions.generation} + 1` })
      .where(and(eq(sessions.id, sessionId), eq(sessions.secretHash, fromHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .returning({ id: sessions.id });
    return swapped.length === 1;
  }

  async findSession(sessionId: string): Promise<typeof sessions.$inferSelect | undefined> {
    const shard = this.shardOfSession(sessionId);
    if (shard === null) return undefined;
    return this.dbs[shard]!.select().from(sessions).where(eq(sessions.id, sessionId)).get();
  }

  /** How many sessions each database holds with this id (a test's check that a row lives in one place only). */
  async copiesOfSession(sessionId: string): Promise<number[]> {
    return Promise.all(
      this.dbs.map(async (db) => (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, sessionId)).all()).length),
    );
  }
}
