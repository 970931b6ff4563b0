// The gateway: requests under a GATEWAY_ROUTES prefix are verified at the edge and forwarded;
// every other request goes on to the faces. Errors (401 with a Bearer challenge, 403, 400 for an
// unsafe path) are thrown as AppError and rendered in the management face's shape by the app.
// A CORS preflight is answered here and never forwarded: whatever its method, headers or body, a
// request without a valid token never reaches a protected origin. A `"login": true` route also
// lets a browser in by its cookies (src/web/website-session.ts), sends a page navigation that nothing
// authenticates to the hosted sign-in (302), and sets the renewed access cookie on the answer.
import type { Context, MiddlewareHandler } from 'hono';
import type { Identity } from '../core/edge-auth';
import { CORS_METHODS } from '../http/cors';
import type { AppEnv } from '../http/types';
import { assertionFor } from '../core/gateway-assertions';
import { authorizeCaller, requireNeeds } from './authorize';
import { forwardToOrigin, type ForwardedIdentity } from './forward';
import { matchGatewayRoute, type RouteMatch } from './paths';
import { isPageNavigation, signInPath, websiteCaller } from '../web/website-session';

/** A list of header names as a preflight asks for them (tokens, commas, spaces), bounded. */
const REQUESTED_HEADERS = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;
const MAX_REQUESTED_HEADERS_LENGTH = 1024;

/**
 * 204 for a browser's preflight. The CORS middleware adds Access-Control-Allow-Origin for
 * CORS_ORIGINS; the headers the browser asks for are allowed (the request itself still needs a
 * token, and identity headers are stripped from it anyway).
 */
function answerPreflight(c: Context<AppEnv>): Response {
  const headers = new Headers({ 'Access-Control-Allow-Methods': CORS_METHODS, Vary: 'Access-Control-Request-Headers' });
  const requested = c.req.header('access-control-request-headers')?.trim() ?? '';
  if (requested.length <= MAX_REQUESTED_HEADERS_LENGTH && REQUESTED_HEADERS.test(requested)) {
    headers.set('Access-Control-Allow-Headers', requested);
  }
  return new Response(null, { status: 204, headers });
}

/**
 * The caller of a website route and the access cookie to set, or the answer for a caller nothing
 * authenticates: a page navigation goes to the hosted sign-in, any other request gets the 401.
 */
async function websiteIdentity(
  c: Context<AppEnv>,
  match: RouteMatch,
  url: URL,
): Promise<{ identity: Identity; setCookie: string | null } | Response> {
  const caller = await websiteCaller(c, { strict: match.route.strict === true });
  if (caller.identity) {
    await requireNeeds(c, caller.identity, match);
    return caller;
  }
  if (!isPageNavigation(c.req.raw)) throw caller.refusal;
  const headers = new Headers({
    Location: signInPath(url.pathname + url.search, url.pathname, match.route.prefix),
    'Cache-Control': 'no-store',
  });
  if (caller.setCookie) headers.append('Set-Cookie', caller.setCookie);
  return new Response(null, { status: 302, headers });
}

export const gateway: MiddlewareHandler<AppEnv> = async function gateway(c, next) {
  const deps = c.env.deps;
  if (deps.config.gatewayRoutes.length === 0) return next();
  const url = new URL(c.req.url);
  const match = matchGatewayRoute(deps.config.gatewayRoutes, url.pathname);
  if (!match) return next();
  if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) return answerPreflight(c);
  let forwarded: ForwardedIdentity | null = null;
  let setCookie: string | null = null;
  if (match.route.login) {
    const caller = await websiteIdentity(c, match, url);
    if (caller instanceof Response) return caller;
    const assertion = await assertionFor(deps, caller.identity, match.route.origin);
    forwarded = { ...caller.identity, assertion };
    setCookie = caller.setCookie;
  } else if (!match.route.require.public) {
    const identity = await authorizeCaller(c, match);
    const assertion = await assertionFor(deps, identity, match.route.origin);
    forwarded = { ...identity, assertion };
  }
  const response = await forwardToOrigin(c, url, match.route, forwarded);
  if (setCookie) response.headers.append('Set-Cookie', setCookie);
  return response;
};
