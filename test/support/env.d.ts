// The bindings tests see through `cloudflare:workers`.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    /** A D1 database no migration was applied to. */
    UNMIGRATED_DB: D1Database;
    TOKENS: KVNamespace;
    AUTH_RATE_LIMITER: RateLimit;
    ACCOUNT_TOKEN: string;
    SIGNING_KEYS: string;
    LEGACY_SIGNING_KEYS: string;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/index');
  }
}
