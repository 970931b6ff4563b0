// The bindings tests see through `cloudflare:workers`.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    /** A D1 database no migration was applied to. */
    UNMIGRATED_DB: D1Database;
    /** An empty D1 for measuring row sizes (test/scale/operation-counts.test.ts). */
    SIZES_DB: D1Database;
    /** The sharded store's databases (test/scale/sharded-db.test.ts). */
    SHARD_0: D1Database;
    SHARD_1: D1Database;
    SHARD_2: D1Database;
    SHARD_3: D1Database;
    TOKENS: KVNamespace;
    AUTH_RATE_LIMITER: RateLimit;
    ACCOUNT_TOKEN: string;
    SIGNING_KEYS: string;
    LEGACY_SIGNING_KEYS: string;
    MFA_ENCRYPTION_KEY: string;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/index');
  }
}
