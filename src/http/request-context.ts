// Runs around every request: a request id on every response, nosniff, and `no-store` on every
// response of ours (auth and operator responses must never be cached; public documents such as
// the JWKS set their own Cache-Control). Gateway responses keep the origin's headers, but any
// answer that sets one of our cookies is made `private, no-store` with `Vary: Cookie`.
import type { MiddlewareHandler } from 'hono';
import { BROWSER_COOKIES, keepCookieAnswerPrivate } from './browser-cookies';
import { ACCESS_TOKEN_COOKIE } from './request-token';
import type { AppEnv } from './types';

/** Every cookie Gatehouse sets or reads, lower-cased. */
export const GATEHOUSE_COOKIES = [ACCESS_TOKEN_COOKIE, ...BROWSER_COOKIES].map((name) => name.toLowerCase());

export const requestContext: MiddlewareHandler<AppEnv> = async function requestContext(c, next) {
  // Made with the request's Deps (worker.ts), so the core's audit facts and the answer share it.
  const requestId = c.env.deps.requestId;
  c.set('requestId', requestId);
  await next();
  keepCookieAnswerPrivate(c.res.headers, GATEHOUSE_COOKIES);
  if (c.get('passThrough')) {
    c.res.headers.set('X-Request-Id', requestId);
    return;
  }
  const headers = c.res.headers;
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Request-Id', requestId);
};
