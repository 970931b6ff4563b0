// Who is calling: the bearer token of `Authorization` made into an actor of the face's ecosystem.
// No header is 401, a header that is not `Bearer <token>` is 400 (rendered so by errors.ts).
import type { Context } from 'hono';
import { authenticateActor, type Actor } from '../../core/actors';
import { bearerToken } from '../../http/auth-header';
import type { AppEnv } from '../../http/types';

export function requireActor(c: Context<AppEnv>): Promise<Actor> {
  const deps = c.env.deps;
  return authenticateActor(deps, bearerToken(c.req.header('authorization')), deps.config.defaultEcosystem);
}

/** For routes where a token is optional: none gives null, but a token presented must be good. */
export async function optionalActor(c: Context<AppEnv>): Promise<Actor | null> {
  const header = c.req.header('authorization');
  return header === undefined || header.trim() === '' ? null : requireActor(c);
}
