// The Worker's fetch handler: reads the configuration once per environment, builds the request's
// dependencies and hands the request to the app. `createWorker` takes overrides so tests can move
// the clock or wrap a binding (to count KV writes, say) while still speaking HTTP.
import { buildApp } from './app';
import { ConfigError, readConfig, type Config, type Env } from './config';
import type { Deps, Logger } from './core/deps';
import { EdgeState } from './core/edge-state';
import { keyRing } from './crypto/keys';
import { openDb } from './store/db';

export interface WorkerOptions {
  now?: () => number;
  /** Wraps the environment before use: tests inject counting or failing bindings here. */
  wrapEnv?: (env: Env) => Env;
  log?: Logger;
}

const consoleLogger: Logger = {
  info: (event, fields) => console.log(JSON.stringify({ level: 'info', event, ...fields })),
  error: (event, fields) => console.error(JSON.stringify({ level: 'error', event, ...fields })),
};

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
  const configs = new WeakMap<object, Config>();
  const now = options.now ?? Date.now;
  const log = options.log ?? consoleLogger;

  return {
    async fetch(request, rawEnv, ctx) {
      const env = options.wrapEnv ? options.wrapEnv(rawEnv) : rawEnv;
      let config = configs.get(rawEnv);
      let keys;
      try {
        if (!config) {
          config = readConfig(env);
          configs.set(rawEnv, config);
        }
        keys = await keyRing(config.signingKeys).catch((error: unknown) => {
          throw new ConfigError('SIGNING_KEYS', error instanceof Error ? error.message : 'is invalid');
        });
      } catch (error) {
        if (error instanceof ConfigError) {
          log.error('configuration_error', { message: error.message });
          return configError(error);
        }
        throw error;
      }
      const origin = new URL(request.url).origin;
      const deps: Deps = {
        db: openDb(env.DB),
        kv: env.TOKENS,
        config,
        keys,
        edge,
        now,
        issuer: config.issuer ?? origin,
        publicUrl: config.publicUrl ?? origin,
        clientAddress: request.headers.get('cf-connecting-ip')?.trim() || 'unknown',
        waitUntil: (promise) => ctx.waitUntil(promise),
        log,
      };
      return app.fetch(request, { deps, rateLimiter: env.AUTH_RATE_LIMITER }, ctx);
    },
  };
}
