// Operator routes for registered OAuth clients under /admin/v1/clients (the account token, the
// management face's error body). A confidential client's secret is in the 201 only: it is stored
// hashed and cannot be read again.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { isAccountToken } from '../../core/ecosystems';
import { AppError, invalidField } from '../../core/errors';
import * as clients from '../../core/oauth-clients';
import { rawOrBearerToken } from '../../http/auth-header';
import { optionalBoolean, optionalString, readBody, type Fields } from '../../http/body';
import type { AppEnv } from '../../http/types';
import { iso } from './shapes';

const requireAccountToken: MiddlewareHandler<AppEnv> = async function requireAccountToken(c, next) {
  if (!isAccountToken(c.env.deps, rawOrBearerToken(c.req.header('authorization')))) throw new AppError('UNAUTHENTICATED');
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
    tokenEndpointAuthMethod: client.isPublic ? 'none' : 'client_secret_basic',
    createdAt: iso(client.createdAt),
    updatedAt: iso(client.updatedAt),
  };
}

function clientInput(body: Fields): clients.ClientInput {
  return {
    name: optionalString(body, 'name', 200),
    redirectUris: body.redirectUris,
    postLogoutRedirectUris: body.postLogoutRedirectUris,
    scopes: body.scopes,
    allowPasswordGrant: optionalBoolean(body, 'allowPasswordGrant'),
  };
}

const clientId = (c: Context<AppEnv>) => c.req.param('clientId') ?? '';

export const clientRoutes = new Hono<AppEnv>();
clientRoutes.use('*', requireAccountToken);

clientRoutes.post('/', async (c) => {
  const body = await readBody(c);
  const isPublic = optionalBoolean(body, 'public');
  if (isPublic === undefined) throw invalidField('public', 'is missing');
  const { client, clientSecret } = await clients.createClient(c.env.deps, { ...clientInput(body), isPublic });
  return c.json({ ...shown(client), ...(clientSecret === undefined ? {} : { clientSecret }) }, 201);
});

clientRoutes.get('/', async (c) => c.json({ items: (await clients.listClients(c.env.deps)).map(shown) }));

clientRoutes.get('/:clientId', async (c) => c.json(shown(await clients.getClient(c.env.deps, clientId(c)))));

clientRoutes.patch('/:clientId', async (c) => {
  const body = await readBody(c);
  if (body.public !== undefined) throw invalidField('public', 'cannot be changed; register a new client');
  return c.json(shown(await clients.updateClient(c.env.deps, clientId(c), clientInput(body))));
});

clientRoutes.delete('/:clientId', async (c) => {
  await clients.deleteClient(c.env.deps, clientId(c));
  return c.body(null, 204);
});
