// The Worker's handlers: reads the configuration once per environment, builds the dependencies
// and hands a request to the app, or a Cron run to the scheduled work. `createWorker` takes
// overrides so tests can move the clock, wrap a binding (to count KV writes, say) or intercept
// outbound HTTP while still speaking HTTP.
import { buildApp } from './app';
import { ConfigError, type Config, type Env } from './config';
import type { Deps, Logger } from './core/deps';
import { EdgeState } from './core/edge-state';
import { runScheduled } from './core/upkeep';
import { clientKeyOf } from './http/client-address';
import type { KeyRing } from './crypto/keys';
import { readServiceConfig, signingKeysOf } from './startup';
import { openDb } from './store/db';

interface WorkerOptions {
  now?: () => number;
  /** Wraps the environment before use: tests inject counting or failing bindings here. */
  wrapEnv?: (env: Env) => Env;
  log?: Logger;
  /** Outbound HTTP; the global fetch unless a test records it. */
  fetch?: typeof fetch;
}

const consoleLogger: Logger = {
  info: (event, fields) => console.log(JSON.stringify({ level: 'info', event, ...fields })),
  error: (event, fields) => console.error(JSON.stringify({ level: 'error', event, ...fields })),
};

/**
 * The one door to `ctx.waitUntil`. The job is a function, not a started promise, and it begins only
 * after `scheduler.wait(0)`: a turn of the event loop, by which time the response has left. Without
 * it the job's first steps (a D1 lookup, a digest, building a mail) run on the isolate before the
 * response is sent, and a known address answers slower than an unknown one.
 */
export function deferAfterResponse(ctx: ExecutionContext, log: Logger): Deps['defer'] {
  return (name, job) => {
    ctx.waitUntil(
      scheduler
        .wait(0)
        .then(job)
        .catch((error: unknown) => log.error('deferred_job_failed', { job: name, error: error instanceof Error ? error.name : 'Error' })),
    );
  };
}

function configError(error: ConfigError): Response {
  // The variable's name helps the operator; a secret's value never appears here.
  const requestId = crypto.randomUUID();
  return Response.json(
    { error: { code: 'CONFIGURATION', message: error.message }, requestId },
    { status: 500, headers: { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Request-Id': requestId } },
  );
}

export function createWorker(options: WorkerOptions = {}): ExportedHandler<Env> {
  const app = buildApp();
  const edge = new EdgeState();
  /** Per environment object: its read configuration and signing keys, built once per isolate. */
  const setups = new WeakMap<object, { config: Config; keys: KeyRing }>();
  const now = options.now ?? Date.now;
  const log = options.log ?? consoleLogger;
  const outbound: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function setupOf(rawEnv: Env, env: Env): Promise<{ config: Config; keys: KeyRing }> {
    let setup = setups.get(rawEnv);
    if (!setup) {
      const config = readServiceConfig(env);
      setup = { config, keys: await signingKeysOf(config) };
      setups.set(rawEnv, setup);
    }
    return setup;
  }

  /** The dependencies for one request or Cron run; `origin()` stands in for unset ISSUER/PUBLIC_URL. */
  async function depsFor(
    rawEnv: Env,
    env: Env,
    ctx: ExecutionContext,
    origin: () => string,
    clientAddress: string,
    actor: Deps['actor'],
  ): Promise<Deps> {
    const { config, keys } = await setupOf(rawEnv, env);
    return {
      db: openDb(env.DB),
      kv: env.TOKENS,
      config,
      keys,
      edge,
      now,
      issuer: config.issuer ?? origin(),
      publicUrl: config.publicUrl ?? origin(),
      clientAddress,
      // One id per request or Cron run; request-context.ts answers with it as X-Request-Id.
      requestId: crypto.randomUUID(),
      actor,
      defer: deferAfterResponse(ctx, log),
      fetch: outbound,
      sendEmail: env.SEND_EMAIL,
      log,
    };
  }

  return {
    async fetch(request, rawEnv, ctx) {
      const env = options.wrapEnv ? options.wrapEnv(rawEnv) : rawEnv;
      let deps: Deps;
      try {
        // The client's address (Cloudflare sets it; a client cannot), for per-client lockout.
        const clientAddress = clientKeyOf(request.headers.get('cf-connecting-ip'));
        deps = await depsFor(rawEnv, env, ctx, () => new URL(request.url).origin, clientAddress, { kind: 'anonymous' });
      } catch (error) {
        if (error instanceof ConfigError) {
          log.error('configuration_error', { message: error.message });
          return configError(error);
        }
        throw error;
      }
      deps.clientIp = request.headers.get('cf-connecting-ip') ?? undefined;
      deps.userAgent = request.headers.get('user-agent') ?? undefined;
      return app.fetch(request, { deps, rateLimiter: env.AUTH_RATE_LIMITER }, ctx);
    },

    async scheduled(_controller, rawEnv, ctx) {
      let deps: Deps;
      try {
        // Mail links were written when the mail was queued; nothing here builds one.
        deps = await depsFor(rawEnv, options.wrapEnv ? options.wrapEnv(rawEnv) : rawEnv, ctx, () => '', 'scheduled', { kind: 'system' });
      } catch (error) {
        if (error instanceof ConfigError) {
          log.error('configuration_error', { message: error.message });
          return;
        }
        throw error;
      }
      await runScheduled(deps);
    },
  };
}
