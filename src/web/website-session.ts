// Website sessions: how a `"login": true` gateway route and GET /auth/verify know a person in a
// browser. In order: the Authorization header, exactly as on any route; else the access cookie, a
// short-lived access token checked at the edge like any bearer token; else, when that cookie is
// missing, expired or unreadable, the browser session cookie (two D1 reads: the session, the user),
// from which a new access token is minted and set as the access cookie; only then the legacy
// `gatehouse_token` cookie. The `__Host-` cookies come first because no other host can set them:
// the legacy cookie has no prefix, so a sibling subdomain or a plain-http attacker could plant one,
// and it must neither override a person's session nor lock them out (a legacy cookie that fails
// reads as "not signed in", which sends a browser to sign in). A revoked token in the access cookie
// is not renewed, whatever session cookie comes with it: its session ended (or all the user's
// did), and the cookie is cleared so the next sign-in starts clean.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { accessTokenForBrowser, resolveBrowserSession } from '../core/browser-sessions';
import { authenticateBearer, type AuthenticateOptions, type Identity } from '../core/edge-auth';
import { AppError } from '../core/errors';
import { safeReturnPath } from './return-path';
import { rawOrBearerToken } from '../http/auth-header';
import { accessCookieHeader, clearedAccessCookieHeader, readAccessCookie, readSessionCookie } from '../http/browser-cookies';
import { ACCESS_TOKEN_COOKIE } from '../http/request-token';
import type { AppEnv } from '../http/types';

export type WebsiteCaller =
  /** `setCookie`: the renewed access cookie, for the answer. */
  | { identity: Identity; setCookie: string | null }
  /** `setCookie`: the stale access cookie cleared; `refusal`: the 401 to answer an API request with. */
  | { identity: null; setCookie: string | null; refusal: AppError };

const isCode = (error: unknown, ...codes: string[]): error is AppError => error instanceof AppError && codes.includes(error.code);

/** A new access token from the live browser session of the session cookie, or null. */
async function renewFromSession(
  c: Context<AppEnv>,
  options: AuthenticateOptions,
): Promise<{ identity: Identity; setCookie: string } | null> {
  const deps = c.env.deps;
  const current = await resolveBrowserSession(deps, readSessionCookie(c));
  if (!current) return null;
  const issued = await accessTokenForBrowser(deps, current);
  try {
    // Verified as any token is, so a revocation racing this renewal still refuses it.
    const identity = await authenticateBearer(deps, issued.token, options);
    return { identity, setCookie: accessCookieHeader(issued.token, issued.expiresIn) };
  } catch (error) {
    if (isCode(error, 'TOKEN_REVOKED')) return null;
    throw error;
  }
}

/**
 * Who the browser (or API client) is on a website route. A bearer token that fails throws as on
 * any route; cookies that do not authenticate give `identity: null`.
 */
export async function websiteCaller(c: Context<AppEnv>, options: AuthenticateOptions = {}): Promise<WebsiteCaller> {
  const deps = c.env.deps;
  const header = c.req.header('authorization');
  if (header !== undefined) return { identity: await authenticateBearer(deps, rawOrBearerToken(header), options), setCookie: null };
  const access = readAccessCookie(c);
  let setCookie: string | null = null;
  if (access) {
    try {
      return { identity: await authenticateBearer(deps, access, options), setCookie: null };
    } catch (error) {
      if (isCode(error, 'TOKEN_REVOKED')) return { identity: null, setCookie: clearedAccessCookieHeader(), refusal: error };
      // Expired, or unreadable (a signing key retired since): renewed from the session below.
      if (!isCode(error, 'TOKEN_EXPIRED', 'INVALID_TOKEN')) throw error;
      setCookie = clearedAccessCookieHeader();
    }
  }
  const renewed = await renewFromSession(c, options);
  if (renewed) return renewed;
  const legacy = getCookie(c, ACCESS_TOKEN_COOKIE);
  if (legacy) {
    try {
      return { identity: await authenticateBearer(deps, legacy, options), setCookie };
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'TEMPORARILY_UNAVAILABLE' || error.code === 'INTERNAL') throw error;
    }
  }
  return { identity: null, setCookie, refusal: new AppError('UNAUTHENTICATED') };
}

/** Whether the request is a browser navigating to a page (GET or HEAD asking for HTML). */
export function isPageNavigation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/html');
}

/**
 * The hosted sign-in's path, sending the browser back to `wanted` afterwards: the first of the
 * candidates the sign-in page keeps as a return path (a path on this host, not too long), else "/".
 */
export function signInPath(...wanted: (string | null | undefined)[]): string {
  const kept = wanted.find((path) => typeof path === 'string' && safeReturnPath(path) === path) ?? '/';
  return `/signin?return=${encodeURIComponent(kept)}`;
}
