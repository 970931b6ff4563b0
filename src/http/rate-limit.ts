// Per-client rate limiting of the routes that invite guessing or flooding (register, log in, log
// out, the OAuth token route), over the Workers rate-limiting binding (AUTH_RATE_LIMITER in
// wrangler.toml). The binding counts per Cloudflare location and is eventually consistent: it
// stops floods, it is not an exact quota. Without the binding nothing is limited.
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors';
import type { AppEnv } from './types';
import { clientKeyOf } from './client-address';

/** The binding's period (`simple.period` in wrangler.toml): how long a refused client waits at most. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

interface RateLimitOptions {
  /**
   * Names the bucket: routes given the same scope share one budget per client, routes with
   * different scopes count apart.
   */
  scope: string;
}

/** The client's address as Cloudflare saw it; every request without one shares a single bucket. */
export function rateLimitPerClient(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (!/^[a-z0-9_-]{1,32}$/.test(options.scope)) throw new Error(`rate-limit scope "${options.scope}" must match [a-z0-9_-]{1,32}`);
  const scope = options.scope;

  return async function rateLimitPerClient(c, next) {
    const limiter = c.env.rateLimiter;
    if (limiter) {
      const key = `${scope}:${clientKeyOf(c.req.header('cf-connecting-ip'))}`;
      let allowed = true;
      try {
        allowed = (await limiter.limit({ key })).success;
      } catch (error) {
        // A limiter outage must not lock everyone out; the login lockout still guards passwords.
        c.env.deps.log.error('rate_limiter_failed', { scope, error: String(error) });
      }
      if (!allowed) {
        c.env.deps.log.info('rate_limited', { scope, requestId: c.get('requestId') });
        throw new AppError('RATE_LIMITED', { retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS });
      }
    }
    await next();
  };
}
