// Forwarding to the origin: the method, the raw path and query, and the body (streamed) go as
// they came; the caller's credentials (the Authorization header, the legacy token cookie and every
// cookie of the browser session: access, session, CSRF) and every header an origin might read as
// identity (src/http/identity-headers.ts) are removed, and the verified identity is added. The origin's
// status, headers and body come back unchanged, but for any Set-Cookie of Gatehouse's own cookies
// (an origin must not plant or replace a person's session: that is session fixation into every
// client of the single sign-on) and any nameless one (which a browser sends back as a bare value
// that servers read as a cookie of any name); redirects are handed to the caller, not followed.
// WebSocket upgrades are not proxied.
import type { Context } from 'hono';
import { AppError } from '../core/errors';
import { ASSERTION_HEADER, identityHeaders, isIdentityHeader, withoutCookie, type HeaderIdentity } from '../http/identity-headers';
import { BROWSER_COOKIES, setCookieName } from '../http/browser-cookies';
import { GATEHOUSE_COOKIES } from '../http/request-context';
import { ACCESS_TOKEN_COOKIE } from '../http/request-token';
import type { AppEnv } from '../http/types';
import type { GatewayRoute } from '../config/gateway-routes';

/** Identity as sent to the origin; null for a public route. */
export interface ForwardedIdentity extends HeaderIdentity {
  assertion: string;
}

/** Hop-by-hop headers, which are no business of the origin. */
const HOP_BY_HOP_HEADERS = ['host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function originHeaders(request: Request, url: URL, identity: ForwardedIdentity | null): Headers {
  const headers = new Headers(request.headers);
  const named = (headers.get('connection') ?? '').split(',').map((name) => name.trim().toLowerCase());
  for (const name of [...headers.keys()]) {
    if (HOP_BY_HOP_HEADERS.includes(name) || named.includes(name) || isIdentityHeader(name)) headers.delete(name);
  }
  const cookie = [ACCESS_TOKEN_COOKIE, ...BROWSER_COOKIES].reduce(withoutCookie, headers.get('cookie') ?? '');
  if (cookie === '') headers.delete('cookie');
  else headers.set('cookie', cookie);
  headers.set('X-Forwarded-Host', url.host);
  headers.set('X-Forwarded-Proto', url.protocol.slice(0, -1));
  if (identity) {
    for (const [name, value] of identityHeaders(identity)) headers.set(name, value);
    headers.set(ASSERTION_HEADER, identity.assertion);
  }
  return headers;
}

/** The origin's response; ORIGIN_UNREACHABLE (502) when it cannot be reached. */
export async function forwardToOrigin(
  c: Context<AppEnv>,
  url: URL,
  route: GatewayRoute,
  identity: ForwardedIdentity | null,
): Promise<Response> {
  const request = c.req.raw;
  const target = `${route.origin}${url.pathname}${url.search}`;
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await c.env.deps.fetch(target, {
      method: request.method,
      headers: originHeaders(request, url, identity),
      body: hasBody ? request.body : null,
      redirect: 'manual',
    });
  } catch (error) {
    c.env.deps.log.error('gateway_origin_unreachable', { requestId: c.get('requestId'), origin: route.origin, error: String(error) });
    throw new AppError('ORIGIN_UNREACHABLE');
  }
  c.set('passThrough', true);
  // A fetched Response's headers are immutable; this copy lets the app add its request id.
  const response = new Response(upstream.body, upstream);
  const cookies = response.headers.getSetCookie();
  const kept = cookies.filter((line) => {
    const name = setCookieName(line);
    return name !== null && !GATEHOUSE_COOKIES.includes(name);
  });
  if (kept.length !== cookies.length) {
    response.headers.delete('set-cookie');
    for (const line of kept) response.headers.append('set-cookie', line);
  }
  return response;
}
