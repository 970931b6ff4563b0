// The bearer token of a request that may come from a browser or a reverse proxy: the
// Authorization header (Bearer, or droplit's raw form), else the token cookie.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { rawOrBearerToken } from './auth-header';
import type { AppEnv } from './types';

export const ACCESS_TOKEN_COOKIE = 'gatehouse_token';

export function headerOrCookieToken(c: Context<AppEnv>): string {
  const header = c.req.header('authorization');
  const cookie = header === undefined ? getCookie(c, ACCESS_TOKEN_COOKIE) : undefined;
  return cookie ? cookie : rawOrBearerToken(header);
}
