// Who may pass a gateway route: the bearer token is verified by the one edge check
// (authenticateBearer), then the route's needs are checked: its ecosystem, a role, a maximum
// permission level, access to the environment named in the path, and ("mfa": true) a sign-in
// with a second factor.
import type { Context } from 'hono';
import { canReachEnvironment } from '../core/access';
import { usedSeveralFactors } from '../core/amr';
import { authenticateBearer, type Identity } from '../core/edge-auth';
import { AppError } from '../core/errors';
import { headerOrCookieToken } from '../http/request-token';
import type { AppEnv } from '../http/types';
import type { RouteMatch } from './paths';

async function checkNeeds(c: Context<AppEnv>, identity: Identity, { route, params }: RouteMatch): Promise<boolean> {
  const deps = c.env.deps;
  const { roles, permissionLevel, environment } = route.require;
  const ecosystem = route.ecosystem ?? (environment ? '*' : deps.config.defaultEcosystem);
  if (ecosystem !== '*' && identity.ecosystemId !== ecosystem) return false;
  if (roles && !roles.includes(identity.role)) return false;
  if (permissionLevel !== undefined && identity.permissionLevel > permissionLevel) return false;
  if (environment) return canReachEnvironment(deps, identity.userId, params[environment]!, { strict: route.strict === true });
  return true;
}

/** Refuses (403) an identity the route's needs do not let through. */
export async function requireNeeds(c: Context<AppEnv>, identity: Identity, match: RouteMatch): Promise<void> {
  if (!(await checkNeeds(c, identity, match))) throw new AppError('FORBIDDEN');
  // A route marked "mfa": only a session that used a second factor (its tokens' amr says mfa).
  if (match.route.mfa && !usedSeveralFactors(identity.claims.amr)) {
    throw new AppError('FORBIDDEN', { reason: 'this route needs a sign-in with a second factor' });
  }
}

/** The verified identity allowed through the route; 401 (bad or no token) or 403 otherwise. */
export async function authorizeCaller(c: Context<AppEnv>, match: RouteMatch): Promise<Identity> {
  const identity = await authenticateBearer(c.env.deps, headerOrCookieToken(c), { strict: match.route.strict === true });
  await requireNeeds(c, identity, match);
  return identity;
}
