// CORS for the faces: browsers from CORS_ORIGINS may call every route with a bearer token.
// Preflight (OPTIONS) answers here unless a face answers it itself (the seed faces do, in the
// words of their original systems).
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types';

export const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const CORS_HEADERS = 'Authorization, Content-Type';
const CORS_MAX_AGE_SECONDS = 600;

function allowedOrigin(origins: string[], origin: string | undefined): string | null {
  if (origins.includes('*')) return '*';
  return origin !== undefined && origins.includes(origin) ? origin : null;
}

export const cors: MiddlewareHandler<AppEnv> = async function cors(c, next) {
  const origin = allowedOrigin(c.env.deps.config.corsOrigins, c.req.header('origin'));
  await next();
  // The gateway hands back the origin's response as it is, CORS headers included.
  if (c.get('passThrough')) return;
  if (c.req.method === 'OPTIONS' && (c.res.status === 404 || c.res.status === 405)) {
    c.res = new Response(null, { status: 204 });
  }
  if (origin === null) return;
  const headers = c.res.headers;
  headers.set('Access-Control-Allow-Origin', origin);
  if (origin !== '*') headers.append('Vary', 'Origin');
  if (c.req.method === 'OPTIONS') {
    if (!headers.has('Access-Control-Allow-Methods')) headers.set('Access-Control-Allow-Methods', CORS_METHODS);
    if (!headers.has('Access-Control-Allow-Headers')) headers.set('Access-Control-Allow-Headers', CORS_HEADERS);
    headers.set('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
  }
  headers.set('Access-Control-Expose-Headers', 'X-Request-Id, Location, Link, Record-Count, Retry-After');
};
