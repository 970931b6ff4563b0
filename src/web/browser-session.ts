// Starting and ending this browser's session from a page: the cookies go with the session, and the
// CSRF token is replaced whenever the session changes hands.
import type { Context } from 'hono';
import { signOut } from '../core/browser-sessions';
import { clearSessionCookies, readSessionCookie, setSessionCookie } from '../http/browser-cookies';
import type { AppEnv } from '../http/types';
import { rotateCsrfToken } from './csrf';

/**
 * Gives the browser its new session cookie, ending the session it held before: the browser loses
 * that cookie, so nobody could sign it out any more (on a shared computer, the last person would
 * stay signed in on the server).
 */
export async function replaceBrowserSession(c: Context<AppEnv>, cookie: string, maxAgeSeconds: number): Promise<void> {
  await signOut(c.env.deps, readSessionCookie(c));
  setSessionCookie(c, cookie, maxAgeSeconds);
  rotateCsrfToken(c);
}

/** Ends this browser's session (if it has a live one) and clears its cookies. */
export async function endBrowserSession(c: Context<AppEnv>): Promise<void> {
  await signOut(c.env.deps, readSessionCookie(c));
  clearSessionCookies(c);
  rotateCsrfToken(c);
}
