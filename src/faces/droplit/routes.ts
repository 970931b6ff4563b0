// The droplit Users API routes, relative to /api. Every route takes the account token (any
// ecosystem) or a server token (its own ecosystem only; another looks exactly like a missing
// one), sent raw as droplit did or as `Bearer <token>`; user and access tokens are refused.
// Each route checks, in order: the caller, then the path, the query and the body by the zod
// schemas of schemas.ts (src/http/validate.ts), which also document the route.
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import * as appUsers from '../../core/external-users';
import { DEFAULT_PAGE_SIZE } from '../../core/user-listing';
import { authenticateEcosystemCaller, requireEcosystemForCaller, type Caller } from '../../core/ecosystems';
import { rawOrBearerToken } from '../../http/auth-header';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { DROPLIT_VALIDATION } from './errors';
import * as s from './schemas';
import { droplitUser } from './shapes';

type DroplitEnv = { Bindings: AppEnv['Bindings']; Variables: AppEnv['Variables'] & { caller: Caller } };

export const routes = new Hono<DroplitEnv>();

const authenticate: MiddlewareHandler<DroplitEnv> = async function authenticate(c, next) {
  c.set('caller', await authenticateEcosystemCaller(c.env.deps, rawOrBearerToken(c.req.header('authorization'))));
  await next();
};

/** A droplit route's description: its summary, its answer, its errors besides the 401. */
function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string>, description?: string) {
  return describeRoute(operation(TAGS.droplit, summary, SECURITY.droplit, { ...ok, ...s.droplitErrors(errors) }, description));
}
const INVALID = { 400: 'InvalidParams: every problem of the request, each with where it is' };
const NOT_FOUND = { 404: 'No such ecosystem (or one a server token does not own), or no such user' };
const user = validate('param', s.UserParam, DROPLIT_VALIDATION);
const done = { 200: { description: 'Done (an empty body)' } };

routes.put(
  '/users/:user',
  op(
    'Create or update a user',
    {
      200: jsonResponse('Updated: the user, or `{"token"}` with `generateToken=true`', z.union([s.DroplitUser, s.UserToken])),
      201: jsonResponse('Created: the user, or `{"token"}` with `generateToken=true`', z.union([s.DroplitUser, s.UserToken])),
    },
    { ...INVALID, ...NOT_FOUND, 409: 'The e-mail address is in use' },
    'Fields absent from the body stay as they are; `access` replaces every grant.',
  ),
  authenticate,
  user,
  validate('query', s.PutQuery, DROPLIT_VALIDATION),
  validate('json', s.UserChanges, { ...DROPLIT_VALIDATION, example: s.USER_CHANGES_EXAMPLE }),
  async (c) => {
    const deps = c.env.deps;
    const ref = c.req.valid('param').user;
    const { generateToken, expiryType, ttl } = c.req.valid('query');
    await requireEcosystemForCaller(deps, c.get('caller'), ref.ecosystemId);
    const result = await appUsers.putAppUser(
      deps,
      ref.ecosystemId,
      ref.uniqueId,
      c.req.valid('json'),
      generateToken ? { expiryType, ttlSeconds: ttl } : undefined,
    );
    const status = result.created ? 201 : 200;
    return result.token !== undefined ? c.json({ token: result.token }, status) : c.json(droplitUser(result), status);
  },
);

routes.post(
  '/users/:user/tokens',
  op('Issue a token for a user', { 200: jsonResponse('The token', s.UserToken) }, { ...INVALID, ...NOT_FOUND }),
  authenticate,
  user,
  validate('query', s.TokenQuery, DROPLIT_VALIDATION),
  async (c) => {
    const deps = c.env.deps;
    const ref = c.req.valid('param').user;
    await requireEcosystemForCaller(deps, c.get('caller'), ref.ecosystemId);
    const { expiryType, ttl } = c.req.valid('query');
    return c.json({ token: await appUsers.issueAppUserToken(deps, ref.ecosystemId, ref.uniqueId, { expiryType, ttlSeconds: ttl }) });
  },
);

routes.get(
  '/users/:user',
  op('Show a user', { 200: jsonResponse('The user', s.DroplitUser) }, { ...INVALID, ...NOT_FOUND }),
  authenticate,
  user,
  validate('query', s.NoQuery, DROPLIT_VALIDATION),
  async (c) => {
    const ref = c.req.valid('param').user;
    await requireEcosystemForCaller(c.env.deps, c.get('caller'), ref.ecosystemId);
    return c.json(droplitUser(await appUsers.getAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId)));
  },
);

routes.get(
  '/users',
  op(
    'List an ecosystem’s users, a page at a time',
    { 200: jsonResponse('A page; `next` is the cursor of the next', s.UserPage) },
    { ...INVALID, ...NOT_FOUND },
  ),
  authenticate,
  validate('query', s.ListQuery, DROPLIT_VALIDATION),
  async (c) => {
    const deps = c.env.deps;
    const { ecosystemId, limit, cursor } = c.req.valid('query');
    await requireEcosystemForCaller(deps, c.get('caller'), ecosystemId);
    const page = await appUsers.pageAppUsers(deps, { ecosystemId, limit: limit ?? DEFAULT_PAGE_SIZE, cursor });
    return c.json({ items: page.items.map(droplitUser), next: page.next });
  },
);

routes.delete(
  '/users/:user',
  op('Delete a user, its tokens and grants', done, { ...INVALID, ...NOT_FOUND }),
  authenticate,
  user,
  validate('query', s.NoQuery, DROPLIT_VALIDATION),
  async (c) => {
    const ref = c.req.valid('param').user;
    await requireEcosystemForCaller(c.env.deps, c.get('caller'), ref.ecosystemId);
    await appUsers.deleteAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId);
    return c.body(null, 200);
  },
);

routes.delete(
  '/users/:user/tokens',
  op('Log a user out: revoke every token', done, { ...INVALID, ...NOT_FOUND }),
  authenticate,
  user,
  validate('query', s.NoQuery, DROPLIT_VALIDATION),
  async (c) => {
    const ref = c.req.valid('param').user;
    await requireEcosystemForCaller(c.env.deps, c.get('caller'), ref.ecosystemId);
    await appUsers.logOutAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId);
    return c.body(null, 200);
  },
);
