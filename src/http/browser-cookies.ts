// The cookies of a person's browser on Gatehouse's own host. All are `__Host-` (Secure, Path=/,
// no Domain: no sibling host can set or read them) and HttpOnly. The session cookie is
// SameSite=Lax so a link from another site (a mailed link, an OAuth client's redirect) arrives
// signed in; the CSRF cookie is Strict, since it only ever pairs with a form of this host. The
// access cookie holds a short-lived access token for the gateway's `"login": true` routes (Lax like
// the session, so a link into the website arrives signed in), and lives as long as its token.
import type { Context } from 'hono';
import { deleteCookie, generateCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './types';

export const SESSION_COOKIE = '__Host-gatehouse-session';
export const CSRF_COOKIE = '__Host-gatehouse-csrf';
export const ACCESS_COOKIE = '__Host-gatehouse-access';
/** A sign-in started at an upstream identity provider: its sealed state, PKCE verifier and nonce (minutes). */
export const UPSTREAM_COOKIE = '__Host-gatehouse-upstream';

/** Every cookie of the browser session, which no origin behind the gateway may ever see. */
export const BROWSER_COOKIES = [SESSION_COOKIE, CSRF_COOKIE, ACCESS_COOKIE, UPSTREAM_COOKIE];

const BASE = { path: '/', secure: true, httpOnly: true } as const;

/**
 * The name a Set-Cookie line sets, lower-cased; null when it names none ("=value", or no "=" at
 * all, which a browser stores under the empty name and later sends as a bare `value`, which most
 * servers read as a cookie named by that value: a way to plant any cookie).
 */
export function setCookieName(line: string): string | null {
  const pair = line.split(';', 1)[0]!;
  const equals = pair.indexOf('=');
  const name = equals < 0 ? '' : pair.slice(0, equals).trim().toLowerCase();
  return name === '' ? null : name;
}

/**
 * Marks an answer that sets one of Gatehouse's cookies (`names`, lower case) as private and never
 * stored: a shared cache must not keep a person's token or session for the next visitor, whatever
 * Cache-Control the origin sent. `Vary: Cookie` tells any cache that ignores no-store the same.
 */
export function keepCookieAnswerPrivate(headers: Headers, names: readonly string[]): void {
  if (!headers.getSetCookie().some((line) => names.includes(setCookieName(line) ?? ''))) return;
  headers.set('Cache-Control', 'private, no-store');
  const vary = headers.get('Vary');
  if (!vary) headers.set('Vary', 'Cookie');
  else if (!vary.split(',').some((name) => ['cookie', '*'].includes(name.trim().toLowerCase()))) headers.set('Vary', `${vary}, Cookie`);
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context<AppEnv>, value: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, value, { ...BASE, sameSite: 'Lax', maxAge: maxAgeSeconds });
}

/**
 * Clears the session cookie and the gateway's access cookie together: whenever the browser
 * session ends here, the access token minted from it goes too.
 */
export function clearSessionCookies(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { ...BASE, sameSite: 'Lax' });
  c.header('Set-Cookie', clearedAccessCookieHeader(), { append: true });
}

export function readCsrfCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, CSRF_COOKIE);
}

export function setCsrfCookie(c: Context<AppEnv>, value: string): void {
  setCookie(c, CSRF_COOKIE, value, { ...BASE, sameSite: 'Strict' });
}

export function readAccessCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, ACCESS_COOKIE);
}

/** The Set-Cookie value holding a gateway access token (appended by hand to a proxied response,
 * whose own Set-Cookie lines Hono's context would otherwise replace). */
export function accessCookieHeader(token: string, maxAgeSeconds: number): string {
  return generateCookie(ACCESS_COOKIE, token, { ...BASE, sameSite: 'Lax', maxAge: maxAgeSeconds });
}

/** The Set-Cookie value that removes the access cookie. */
export function clearedAccessCookieHeader(): string {
  return generateCookie(ACCESS_COOKIE, '', { ...BASE, sameSite: 'Lax', maxAge: 0, expires: new Date(0) });
}

export function readUpstreamCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, UPSTREAM_COOKIE);
}

/** Lax: the upstream sends the browser back with a top-level GET from its own site. */
export function setUpstreamCookie(c: Context<AppEnv>, value: string, maxAgeSeconds: number): void {
  setCookie(c, UPSTREAM_COOKIE, value, { ...BASE, sameSite: 'Lax', maxAge: maxAgeSeconds });
}

export function clearUpstreamCookie(c: Context<AppEnv>): void {
  deleteCookie(c, UPSTREAM_COOKIE, { ...BASE, sameSite: 'Lax' });
}
