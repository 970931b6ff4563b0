// Operator routes for registered OAuth clients under /admin/v1/clients (the account token, the
// management face's error body). A confidential client's secret is in the 201 only: it is stored
// hashed and cannot be read again. Bodies are checked by the zod schemas of schemas.ts
// (src/http/validate.ts), which also document each route; the core checks the URI lists and scopes.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import { requireAccountToken as requireAccount } from '../../core/ecosystems';
import * as clients from '../../core/oauth-clients';
import { rawOrBearerToken } from '../../http/auth-header';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import * as s from './schemas';
import { iso } from './shapes';

const requireAccountToken: MiddlewareHandler<AppEnv> = async function requireAccountToken(c, next) {
  requireAccount(c.env.deps, rawOrBearerToken(c.req.header('authorization')));
  await next();
};

function shown(client: clients.OAuthClientRow) {
  return {
    clientId: client.id,
    name: client.name,
    public: client.isPublic,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    scopes: client.scopes,
    allowPasswordGrant: client.allowPasswordGrant,
    requirePkce: client.requirePkce,
    allowClientCredentials: client.allowClientCredentials,
    clientCredentialsScopes: client.clientCredentialsScopes,
    clientCredentialsResources: client.clientCredentialsResources,
    allowDeviceGrant: client.allowDeviceGrant,
    tokenEndpointAuthMethod: client.isPublic ? 'none' : (client.tokenEndpointAuthMethod ?? 'client_secret_basic'),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.registeredInEcosystemId ? { registeredInEcosystemId: client.registeredInEcosystemId } : {}),
    createdAt: iso(client.createdAt),
    updatedAt: iso(client.updatedAt),
  };
}

/** A client route's description: its summary, its answer, and its errors besides the 401. */
function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.operator, summary, SECURITY.account, { ...ok, ...s.managementErrors(errors) }));
}
const INVALID = { 400: 'A field is invalid (the message names it)' };
const NOT_FOUND = { 404: 'No such client' };

export const clientRoutes = new Hono<AppEnv>();
clientRoutes.use('*', requireAccountToken);

clientRoutes.post(
  '/',
  op(
    'Register an OAuth client',
    { 201: jsonResponse('The client; a confidential one’s clientSecret, shown this once', s.Client) },
    INVALID,
  ),
  validate('json', s.ClientCreate, { example: s.CLIENT_EXAMPLE }),
  async (c) => {
    const { public: isPublic, ...input } = c.req.valid('json');
    const { client, clientSecret } = await clients.createClient(c.env.deps, { ...input, isPublic });
    return c.json({ ...shown(client), ...(clientSecret === undefined ? {} : { clientSecret }) }, 201);
  },
);

clientRoutes.get('/', op('List the OAuth clients', { 200: jsonResponse('Every client (no secret)', s.itemsOf(s.Client)) }), async (c) =>
  c.json({ items: (await clients.listClients(c.env.deps)).map(shown) }),
);

clientRoutes.get(
  '/:clientId',
  op('Show an OAuth client', { 200: jsonResponse('The client (no secret)', s.Client) }, NOT_FOUND),
  async (c) => c.json(shown(await clients.getClient(c.env.deps, c.req.param('clientId')))),
);

clientRoutes.patch(
  '/:clientId',
  op(
    'Change an OAuth client (not whether it is public)',
    { 200: jsonResponse('The client (no secret)', s.Client) },
    { ...INVALID, ...NOT_FOUND },
  ),
  validate('json', s.ClientChanges),
  async (c) => {
    const { public: _never, ...changes } = c.req.valid('json');
    return c.json(shown(await clients.updateClient(c.env.deps, c.req.param('clientId'), changes)));
  },
);

clientRoutes.delete('/:clientId', op('Delete an OAuth client', { 204: { description: 'Deleted' } }, NOT_FOUND), async (c) => {
  await clients.deleteClient(c.env.deps, c.req.param('clientId'));
  return c.body(null, 204);
});
