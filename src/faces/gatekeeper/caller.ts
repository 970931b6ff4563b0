// Who is calling: the bearer token of `Authorization` made into an actor of the face's ecosystem.
// No header is 401, a header that is not `Bearer <token>` is 400 (rendered so by errors.ts).
import type { Context, MiddlewareHandler } from 'hono';
import { authenticateActor, type Actor } from '../../core/actors';
import { bearerToken } from '../../http/auth-header';
import type { AppEnv } from '../../http/types';
import { SECURITY } from '../../openapi/describe';

/** The routes that need a caller read it from `c.get('actor')`. */
export type GatekeeperEnv = { Bindings: AppEnv['Bindings']; Variables: AppEnv['Variables'] & { actor: Actor } };

/** A user's access token or the account token, as `Bearer <token>`. */
export const GATEKEEPER_BEARER = [...SECURITY.bearer, ...SECURITY.account];

function requireActor(c: Context<GatekeeperEnv>): Promise<Actor> {
  const deps = c.env.deps;
  return authenticateActor(deps, bearerToken(c.req.header('authorization')), deps.config.defaultEcosystem);
}

/** Before a route's validation, as the routes checked the caller first. */
export const signedIn: MiddlewareHandler<GatekeeperEnv> = async function signedIn(c, next) {
  c.set('actor', await requireActor(c));
  await next();
};

/** For routes where a token is optional: none gives null, but a token presented must be good. */
export async function optionalActor(c: Context<GatekeeperEnv>): Promise<Actor | null> {
  const header = c.req.header('authorization');
  return header === undefined || header.trim() === '' ? null : requireActor(c);
}
