// The gateway: requests under a GATEWAY_ROUTES prefix are verified at the edge and forwarded;
// every other request goes on to the faces. Errors (401 with a Bearer challenge, 403, 400 for an
// unsafe path) are thrown as AppError and rendered in the management face's shape by the app.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/types';
import { assertionFor } from './assertion';
import { authorizeCaller } from './authorize';
import { forwardToOrigin, type ForwardedIdentity } from './forward';
import { matchGatewayRoute } from './paths';

export const gateway: MiddlewareHandler<AppEnv> = async function gateway(c, next) {
  const deps = c.env.deps;
  if (deps.config.gatewayRoutes.length === 0) return next();
  const url = new URL(c.req.url);
  const match = matchGatewayRoute(deps.config.gatewayRoutes, url.pathname);
  if (!match) return next();
  let forwarded: ForwardedIdentity | null = null;
  // A browser's CORS preflight carries no credentials; the origin answers it, with no identity.
  const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
  if (!match.route.require.public && !preflight) {
    const identity = await authorizeCaller(c, match);
    const assertion = await assertionFor(deps, identity, match.route.origin);
    forwarded = { ...identity, assertion };
  }
  return forwardToOrigin(c, url, match.route, forwarded);
};
