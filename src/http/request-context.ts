// Runs around every request: a request id on every response, nosniff, and `no-store` on every
// response of ours (auth and operator responses must never be cached; public documents such as
// the JWKS set their own Cache-Control). Gateway responses keep the origin's headers untouched.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types';

export const requestContext: MiddlewareHandler<AppEnv> = async function requestContext(c, next) {
  const requestId = crypto.randomUUID();
  c.set('requestId', requestId);
  await next();
  if (c.get('passThrough')) {
    c.res.headers.set('X-Request-Id', requestId);
    return;
  }
  const headers = c.res.headers;
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Request-Id', requestId);
};
