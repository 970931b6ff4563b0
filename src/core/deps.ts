// What every core operation receives: the stores, the configuration, the key ring, the clock.
// The core never reads `env` nor knows of Hono; the app builds one Deps per request.
import type { Config } from '../config';
import type { KeyRing } from '../crypto/keys';
import type { Db } from '../store/db';
import type { ActorRef } from './changes';
import type { EdgeState } from './edge-state';

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface Deps {
  db: Db;
  kv: KVNamespace;
  config: Config;
  keys: KeyRing;
  /** This isolate's caches of verified tokens and KV-backed revocation state. */
  edge: EdgeState;
  /** Milliseconds since the epoch; tests inject a clock they can move. */
  now(): number;
  /** The `iss` of tokens: ISSUER, or the origin the request came to. */
  issuer: string;
  /** Where links in responses point: PUBLIC_URL, or the request's origin (mail links use mailLinkBase). */
  publicUrl: string;
  /** The client's address (CF-Connecting-IP), or 'unknown': login failures are counted per client. */
  clientAddress: string;
  /** The client's own address (CF-Connecting-IP) and User-Agent, as an event records them; absent in a Cron run. */
  clientIp?: string;
  userAgent?: string;
  /**
   * This request's id (the `X-Request-Id` of its response), or the Cron run's: what an audit record
   * and a log line of the request share.
   */
  requestId: string;
  /**
   * Who is acting (changes.ts): anonymous for a request until its credentials are authenticated
   * (actors.ts `actAs`, called where they are), the system for a Cron run. Deps are built per
   * request, so setting it touches no other request.
   */
  actor: ActorRef;
  /**
   * Runs `job` after the response, never before: the one way to defer work (src/worker.ts builds
   * it; test/architecture/deferred-work.test.ts refuses any other `waitUntil`). The job starts only
   * after a turn of the event loop, because in workerd a `waitUntil` promise's continuations run on
   * the isolate before the response leaves and would show in its timing (an enumeration oracle).
   * A job that throws is logged as `deferred_job_failed` under `name`.
   */
  defer(name: string, job: () => Promise<unknown>): void;
  /** Outbound HTTP (mail APIs, webhooks): the global fetch, or a recording fake in tests. */
  fetch: typeof fetch;
  /** The send_email binding, when the deployment has one (MAIL_TRANSPORT=cloudflare). */
  sendEmail?: SendEmail;
  log: Logger;
}
