// The app driver: speaks HTTP to a Worker built from the real entry's factory, inside workerd,
// against the real local D1 and KV. Each client has its own clock (moved, never slept), its own
// isolate caches, its own client address (so rate limits do not leak between tests), and may
// override vars or wrap bindings.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Env } from '../../src/config';
import type { Logger } from '../../src/core/deps';
import { createWorker } from '../../src/worker';

export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** A raw body, sent as is. */
  raw?: string;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export interface ClientOptions {
  vars?: Record<string, string>;
  wrapEnv?: (env: Env) => Env;
  clock?: TestClock;
  /** Outbound HTTP of the Worker (mail APIs, webhooks): a recording fake. */
  fetch?: typeof fetch;
  /** Called the moment the Worker has answered, before its deferred work is awaited. */
  onAnswer?: () => void;
}

export interface LogLine {
  level: 'info' | 'error';
  event: string;
  fields?: Record<string, unknown>;
}

let clientCount = 0;

export function newClient(options: ClientOptions = {}) {
  const clock = options.clock ?? new TestClock();
  const logs: LogLine[] = [];
  const log: Logger = {
    info: (event, fields) => logs.push({ level: 'info', event, fields }),
    error: (event, fields) => logs.push({ level: 'error', event, fields }),
  };
  const makeWorker = () => createWorker({ now: clock.now, wrapEnv: options.wrapEnv, log, fetch: options.fetch });
  let worker = makeWorker();
  const testEnv = { ...(env as unknown as Env), ...options.vars } as Env;
  // Each client its own /64: per-client limits key IPv6 clients by their /64.
  const addressOf = () => `2001:db8:${((clientCount += 1)).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::1`;
  let clientIp = addressOf();

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers = new Headers({ 'CF-Connecting-IP': clientIp, ...opts.headers });
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
    const ctx = createExecutionContext();
    const response = await worker.fetch!(new Request(`https://gatehouse.test${path}`, { method, headers, body }) as never, testEnv, ctx);
    options.onAnswer?.();
    await waitOnExecutionContext(ctx);
    return response as unknown as Response;
  }

  /** A fetch that reaches this client's Worker: for client libraries (oauth4webapi). */
  async function fetchWorker(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const ctx = createExecutionContext();
    // A library's requests (oauth4webapi's customFetch) come from this client's address too, so
    // they count in its own rate-limit budgets, not in one bucket every test file shares.
    const request = new Request(input, init);
    if (!request.headers.has('CF-Connecting-IP')) request.headers.set('CF-Connecting-IP', clientIp);
    const response = await worker.fetch!(request as never, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response as unknown as Response;
  }

  /** Runs the Cron Trigger's handler once, at this client's clock, and waits for it. */
  async function scheduled(cron = '*/5 * * * *'): Promise<void> {
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ scheduledTime: new Date(clock.now()), cron }) as never, testEnv, ctx);
    await waitOnExecutionContext(ctx);
  }

  return {
    clock,
    fetch: fetchWorker,
    scheduled,
    /** A fresh isolate for this client (the edge's caches emptied), as after a deploy: same clock, address and logs. */
    resetIsolate: () => {
      worker = makeWorker();
    },
    /** A new client address (its own rate-limit budgets), same Worker: cheaper than a new client. */
    newAddress: () => {
      clientIp = addressOf();
    },
    logs,
    env: testEnv,
    accountToken: testEnv.ACCOUNT_TOKEN as string,
    request,
    get: (path: string, opts?: RequestOptions) => request('GET', path, opts),
    post: (path: string, opts?: RequestOptions) => request('POST', path, opts),
    put: (path: string, opts?: RequestOptions) => request('PUT', path, opts),
    patch: (path: string, opts?: RequestOptions) => request('PATCH', path, opts),
    delete: (path: string, opts?: RequestOptions) => request('DELETE', path, opts),
    /** As the operator (the account token). */
    admin: (method: string, path: string, opts: RequestOptions = {}) =>
      request(method, path, { ...opts, token: testEnv.ACCOUNT_TOKEN as string }),
  };
}

export type Client = ReturnType<typeof newClient>;

/** A unique e-mail address for one test. */
export function uniqueEmail(label = 'user'): string {
  return `${label}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** A password that passes the policy and is unique to one test. */
export function strongPassword(): string {
  return `correct horse ${crypto.randomUUID().slice(0, 8)}`;
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
