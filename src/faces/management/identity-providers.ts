// Operator routes for upstream identity providers under /admin/v1/identity-providers (the account
// token, the management face's error body). Every answer carries the redirect URI to register
// upstream and never the client secret (sealed at rest, identity-providers.ts says how and why).
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import { requireAccountToken as requireAccount } from '../../core/ecosystems';
import type { Deps } from '../../core/deps';
import * as providers from '../../core/identity-providers';
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

function shown(deps: Deps, provider: providers.IdentityProviderRow) {
  return {
    id: provider.id,
    name: provider.name,
    kind: provider.kind,
    clientId: provider.clientId,
    issuer: provider.issuer,
    scopes: provider.scopes,
    ecosystemId: provider.ecosystemId,
    linkByVerifiedEmail: provider.linkByVerifiedEmail,
    defaultEnvironments: provider.defaultEnvironments,
    redirectUri: providers.redirectUriOf(deps, provider.id),
    createdAt: iso(provider.createdAt),
    updatedAt: iso(provider.updatedAt),
  };
}

function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.operator, summary, SECURITY.account, { ...ok, ...s.managementErrors(errors) }));
}
const INVALID = { 400: 'A field is invalid (the message names it)' };
const NOT_FOUND = { 404: 'No such identity provider' };

export const identityProviderRoutes = new Hono<AppEnv>();
identityProviderRoutes.use('*', requireAccountToken);

identityProviderRoutes.post(
  '/',
  op(
    'Configure an upstream identity provider',
    { 201: jsonResponse('The provider with its redirectUri (no secret)', s.IdentityProvider) },
    {
      ...INVALID,
      404: 'No such ecosystem',
      409: 'A provider with this id exists',
    },
  ),
  validate('json', s.IdentityProviderCreate, { example: s.IDENTITY_PROVIDER_EXAMPLE }),
  async (c) => c.json(shown(c.env.deps, await providers.createProvider(c.env.deps, c.req.valid('json'))), 201),
);

identityProviderRoutes.get(
  '/',
  op('List the identity providers', { 200: jsonResponse('Every provider (no secret)', s.itemsOf(s.IdentityProvider)) }),
  async (c) => c.json({ items: (await providers.listProviders(c.env.deps)).map((provider) => shown(c.env.deps, provider)) }),
);

identityProviderRoutes.get(
  '/:providerId',
  op('Show an identity provider', { 200: jsonResponse('The provider (no secret)', s.IdentityProvider) }, NOT_FOUND),
  async (c) => c.json(shown(c.env.deps, await providers.getProvider(c.env.deps, c.req.param('providerId')))),
);

identityProviderRoutes.patch(
  '/:providerId',
  op(
    'Change an identity provider (not its id, kind or ecosystem)',
    { 200: jsonResponse('The provider (no secret)', s.IdentityProvider) },
    { ...INVALID, ...NOT_FOUND },
  ),
  validate('json', s.IdentityProviderChanges),
  async (c) => c.json(shown(c.env.deps, await providers.updateProvider(c.env.deps, c.req.param('providerId'), c.req.valid('json')))),
);

identityProviderRoutes.delete(
  '/:providerId',
  op('Delete an identity provider and its links (its users stay)', { 204: { description: 'Deleted' } }, NOT_FOUND),
  async (c) => {
    await providers.deleteProvider(c.env.deps, c.req.param('providerId'));
    return c.body(null, 204);
  },
);
