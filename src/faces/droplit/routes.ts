// The droplit Users API routes, relative to /api. Every route takes the account token (any
// ecosystem) or a server token (its own ecosystem only; another looks exactly like a missing
// one), sent raw as droplit did or as `Bearer <token>`; user and access tokens are refused.
import { Hono, type Context } from 'hono';
import * as appUsers from '../../core/external-users';
import { authenticateEcosystemCaller, requireEcosystemForCaller, type Caller } from '../../core/ecosystems';
import { pageLimit } from '../../http/page-limit';
import { rawOrBearerToken } from '../../http/auth-header';
import { readBody } from '../../http/body';
import type { AppEnv } from '../../http/types';
import * as params from './params';
import { droplitUser } from './shapes';

type DroplitContext = Context<AppEnv>;

export const routes = new Hono<AppEnv>();

function authenticateCaller(c: DroplitContext): Promise<Caller> {
  return authenticateEcosystemCaller(c.env.deps, rawOrBearerToken(c.req.header('authorization')));
}

/** The caller, the user the path names and the route's query, checked in that order. */
async function authorizeUserRoute<Q = void>(c: DroplitContext, readQuery: (url: string) => Q = params.refuseQuery as () => Q) {
  const caller = await authenticateCaller(c);
  const ref = params.parseUserRef(c.req.param('user') ?? '');
  return { caller, ref, query: readQuery(c.req.url) };
}

routes.put('/users/:user', async (c) => {
  const deps = c.env.deps;
  const { caller, ref, query: token } = await authorizeUserRoute(c, params.readPutQuery);
  const changes = params.readUserChanges(await readBody(c));
  await requireEcosystemForCaller(deps, caller, ref.ecosystemId);
  const result = await appUsers.putAppUser(deps, ref.ecosystemId, ref.uniqueId, changes, token);
  const status = result.created ? 201 : 200;
  return result.token !== undefined ? c.json({ token: result.token }, status) : c.json(droplitUser(result), status);
});

routes.post('/users/:user/tokens', async (c) => {
  const deps = c.env.deps;
  const { caller, ref, query: request } = await authorizeUserRoute(c, params.readTokenQuery);
  await requireEcosystemForCaller(deps, caller, ref.ecosystemId);
  return c.json({ token: await appUsers.issueAppUserToken(deps, ref.ecosystemId, ref.uniqueId, request) });
});

routes.get('/users/:user', async (c) => {
  const { caller, ref } = await authorizeUserRoute(c);
  await requireEcosystemForCaller(c.env.deps, caller, ref.ecosystemId);
  return c.json(droplitUser(await appUsers.getAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId)));
});

routes.get('/users', async (c) => {
  const deps = c.env.deps;
  const caller = await authenticateCaller(c);
  const query = params.readListQuery(c.req.url);
  const limit = pageLimit(query.limit);
  await requireEcosystemForCaller(deps, caller, query.ecosystemId);
  const page = await appUsers.pageAppUsers(deps, { ecosystemId: query.ecosystemId, limit, cursor: query.cursor });
  return c.json({ items: page.items.map(droplitUser), next: page.next });
});

routes.delete('/users/:user', async (c) => {
  const { caller, ref } = await authorizeUserRoute(c);
  await requireEcosystemForCaller(c.env.deps, caller, ref.ecosystemId);
  await appUsers.deleteAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId);
  return c.body(null, 200);
});

routes.delete('/users/:user/tokens', async (c) => {
  const { caller, ref } = await authorizeUserRoute(c);
  await requireEcosystemForCaller(c.env.deps, caller, ref.ecosystemId);
  await appUsers.logOutAppUser(c.env.deps, ref.ecosystemId, ref.uniqueId);
  return c.body(null, 200);
});
