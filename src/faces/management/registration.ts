// Operator routes for dynamic client registration (RFC 7591): initial access tokens under
// /admin/v1/initial-access-tokens (shown once, stored as a SHA-256), and an ecosystem's open
// registration of public clients under /admin/v1/ecosystems/:id/client-registration (off by default).
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import * as registration from '../../core/client-registration';
import { requireAccountToken as requireAccount } from '../../core/ecosystems';
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

function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.operator, summary, SECURITY.account, { ...ok, ...s.managementErrors(errors) }));
}

function shown(row: registration.InitialAccessTokenRow) {
  return {
    id: row.id,
    ecosystemId: row.ecosystemId,
    name: row.name,
    createdAt: iso(row.createdAt),
    expiresAt: row.expiresAt === null ? null : iso(row.expiresAt),
    maxUses: row.maxUses,
    uses: row.uses,
  };
}

export const registrationRoutes = new Hono<AppEnv>();
registrationRoutes.use('/initial-access-tokens', requireAccountToken);
registrationRoutes.use('/initial-access-tokens/*', requireAccountToken);
registrationRoutes.use('/ecosystems/:ecosystemId/client-registration', requireAccountToken);

registrationRoutes.post(
  '/initial-access-tokens',
  op(
    'Make an initial access token (RFC 7591) for registering OAuth clients',
    { 201: jsonResponse('The token, shown this once, and its limits', s.InitialAccessToken) },
    { 400: 'A field is invalid (the message names it)', 404: 'No such ecosystem' },
  ),
  validate('json', s.InitialAccessTokenCreate, { example: { ecosystemId: 'default', name: 'MCP clients', maxUses: 10 } }),
  async (c) => {
    const { ecosystemId, ...input } = c.req.valid('json');
    const deps = c.env.deps;
    const { row, token } = await registration.createInitialAccessToken(deps, ecosystemId ?? deps.config.defaultEcosystem, input);
    return c.json({ ...shown(row), token }, 201);
  },
);

registrationRoutes.get(
  '/initial-access-tokens',
  op('List the initial access tokens', {
    200: jsonResponse('Every initial access token (never the token)', s.itemsOf(s.InitialAccessToken)),
  }),
  async (c) => c.json({ items: (await registration.listInitialAccessTokens(c.env.deps)).map(shown) }),
);

registrationRoutes.delete(
  '/initial-access-tokens/:id',
  op('Delete an initial access token (the clients it registered stay)', { 204: { description: 'Deleted' } }, { 404: 'No such token' }),
  async (c) => {
    await registration.deleteInitialAccessToken(c.env.deps, c.req.param('id'));
    return c.body(null, 204);
  },
);

const registrationPath = '/ecosystems/:ecosystemId/client-registration';
const openAnswer = { 200: jsonResponse('Whether anyone may register a public client here', s.ClientRegistration) };

registrationRoutes.get(
  registrationPath,
  op('Whether an ecosystem allows open client registration', openAnswer, { 404: 'No such ecosystem' }),
  async (c) => c.json({ open: await registration.openRegistration(c.env.deps, c.req.param('ecosystemId')) }),
);

registrationRoutes.put(
  registrationPath,
  op('Allow or stop open registration of public clients (RFC 7591 without an initial access token)', openAnswer, {
    400: 'A field is invalid',
    404: 'No such ecosystem',
  }),
  validate('json', s.ClientRegistration, { example: { open: true } }),
  async (c) => c.json({ open: await registration.setOpenRegistration(c.env.deps, c.req.param('ecosystemId'), c.req.valid('json').open) }),
);
