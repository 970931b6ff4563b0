// Who may pass a gateway route: the bearer token is verified by the one edge check
// (authenticateBearer), then the route's needs are checked: its ecosystem, a role, a maximum
// permission level, access to the environment named in the path.
import { getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { canReachEnvironment } from '../core/access';
import { authenticateBearer, type Identity } from '../core/edge-auth';
import { AppError } from '../core/errors';
import { rawOrBearerToken } from '../http/auth-header';
import type { AppEnv } from '../http/types';
import { ACCESS_TOKEN_COOKIE } from '../faces/management/standards';
import type { RouteMatch } from './paths';

/** The caller's token: the Authorization header (Bearer, or droplit's raw form), else the cookie. */
export function callerToken(c: Context<AppEnv>): string {
  const header = c.req.header('authorization');
  const cookie = header === undefined ? getCookie(c, ACCESS_TOKEN_COOKIE) : undefined;
  return cookie ? cookie : rawOrBearerToken(header);
}

async function checkNeeds(c: Context<AppEnv>, identity: Identity, { route, params }: RouteMatch): Promise<boolean> {
  const deps = c.env.deps;
  const { roles, permissionLevel, environment } = route.require;
  const ecosystem = route.ecosystem ?? (environment ? '*' : deps.config.defaultEcosystem);
  if (ecosystem !== '*' && identity.ecosystemId !== ecosystem) return false;
  if (roles && !roles.includes(identity.role)) return false;
  if (permissionLevel !== undefined && identity.permissionLevel > permissionLevel) return false;
  if (environment) return canReachEnvironment(deps, identity.userId, params[environment]!);
  return true;
}

/** The verified identity allowed through the route; 401 (bad or no token) or 403 otherwise. */
export async function authorizeCaller(c: Context<AppEnv>, match: RouteMatch): Promise<Identity> {
  const identity = await authenticateBearer(c.env.deps, callerToken(c), { strict: match.route.strict === true });
  if (!(await checkNeeds(c, identity, match))) throw new AppError('FORBIDDEN');
  return identity;
}
