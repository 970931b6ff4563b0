// The cookies of a person's browser on Gatehouse's own host. All are `__Host-` (Secure, Path=/,
// no Domain: no sibling host can set or read them) and HttpOnly. The session cookie is
// SameSite=Lax so a link from another site (a mailed link, an OAuth client's redirect) arrives
// signed in; the CSRF cookie is Strict, since it only ever pairs with a form of this host.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './types';

export const SESSION_COOKIE = '__Host-gatehouse-session';
export const CSRF_COOKIE = '__Host-gatehouse-csrf';

const BASE = { path: '/', secure: true, httpOnly: true } as const;

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context<AppEnv>, value: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, value, { ...BASE, sameSite: 'Lax', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { ...BASE, sameSite: 'Lax' });
}

export function readCsrfCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, CSRF_COOKIE);
}

export function setCsrfCookie(c: Context<AppEnv>, value: string): void {
  setCookie(c, CSRF_COOKIE, value, { ...BASE, sameSite: 'Strict' });
}
