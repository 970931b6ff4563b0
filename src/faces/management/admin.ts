// Operator routes under /admin/v1. Every route takes the deployment's account token
// (`Authorization: Bearer <token>` or the raw token); anything else is 401. Requests are checked
// by the zod schemas of schemas.ts (src/http/validate.ts), which also document each route.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import * as ecosystems from '../../core/ecosystems';
import { listOutbox, retryMail } from '../../core/mail';
import { getEcosystemMfaPolicy, setEcosystemMfaPolicy } from '../../core/mfa-policy';
import { getEcosystemPasswordPolicy, setEcosystemPasswordPolicy } from '../../core/password-policy';
import { revokeAllTokensForUser } from '../../core/revocation';
import { removeSecondFactorsByOperator } from '../../core/second-factors';
import { listLiveSessions, revokeSession } from '../../core/sessions';
import { pageUsers, searchPrefix } from '../../core/user-listing';
import { changeUserStanding, createUser, deleteUser, getUser, requireEcosystem } from '../../core/users';
import { rawOrBearerToken } from '../../http/auth-header';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import * as s from './schemas';
import { adminUser, iso, outboxItem } from './shapes';

const requireAccountToken: MiddlewareHandler<AppEnv> = async function requireAccountToken(c, next) {
  const token = rawOrBearerToken(c.req.header('authorization'));
  ecosystems.requireAccountToken(c.env.deps, token);
  await next();
};

/** An operator route's description: its summary, its answer, and its errors besides the 401. */
function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.operator, summary, SECURITY.account, { ...ok, ...s.managementErrors(errors) }));
}
const INVALID = { 400: 'A field is invalid (the message names it)' };
const noContent = { 204: { description: 'Done' } };

export const admin = new Hono<AppEnv>();
admin.use('*', requireAccountToken);

admin.post(
  '/ecosystems',
  op('Create an ecosystem', { 201: jsonResponse('The ecosystem', s.Ecosystem) }, INVALID),
  validate('json', s.EcosystemCreate, { example: { name: 'my-app' } }),
  async (c) => {
    const row = await ecosystems.createEcosystem(c.env.deps, c.req.valid('json').name);
    return c.json({ id: row.id, name: row.name, createdAt: iso(row.createdAt) }, 201);
  },
);

admin.get('/ecosystems', op('List the ecosystems', { 200: jsonResponse('Every ecosystem', s.itemsOf(s.Ecosystem)) }), async (c) => {
  const rows = await ecosystems.listEcosystems(c.env.deps);
  return c.json({ items: rows.map((row) => ({ id: row.id, name: row.name, createdAt: iso(row.createdAt) })) });
});

admin.post(
  '/ecosystems/:ecosystemId/environments',
  op('Create an environment', { 201: jsonResponse('The environment', s.Environment) }, { ...INVALID, 404: 'No such ecosystem' }),
  validate('json', s.EnvironmentCreate, { example: { name: 'home' } }),
  async (c) => {
    const row = await ecosystems.createEnvironment(c.env.deps, c.req.param('ecosystemId'), c.req.valid('json').name);
    return c.json({ id: row.id, ecosystemId: row.ecosystemId, name: row.name }, 201);
  },
);

admin.post(
  '/ecosystems/:ecosystemId/server-tokens',
  op('Issue a server token', { 201: jsonResponse('The token, shown this once', s.ServerToken) }, { ...INVALID, 404: 'No such ecosystem' }),
  validate('json', s.ServerTokenCreate, { example: { name: 'backend' } }),
  async (c) => c.json(await ecosystems.createServerToken(c.env.deps, c.req.param('ecosystemId'), c.req.valid('json').name), 201),
);

const policyPath = '/ecosystems/:ecosystemId/password-policy';
const policyAnswer = { 200: jsonResponse('What the ecosystem set and the rules that apply', s.PasswordPolicy) };

admin.get(policyPath, op('An ecosystem’s password policy', policyAnswer, { 404: 'No such ecosystem' }), async (c) =>
  c.json(await getEcosystemPasswordPolicy(c.env.deps, c.req.param('ecosystemId'))),
);

admin.put(
  policyPath,
  op('Set an ecosystem’s password policy', policyAnswer, { ...INVALID, 404: 'No such ecosystem' }),
  validate('json', s.PasswordPolicyChange, { example: { minLength: 4, rejectCommon: false } }),
  async (c) => c.json(await setEcosystemPasswordPolicy(c.env.deps, c.req.param('ecosystemId'), c.req.valid('json'))),
);

const mfaPolicyPath = '/ecosystems/:ecosystemId/mfa-policy';
const mfaPolicyAnswer = { 200: jsonResponse('What the ecosystem set and what applies', s.MfaPolicy) };

admin.get(mfaPolicyPath, op('An ecosystem’s second-factor policy', mfaPolicyAnswer, { 404: 'No such ecosystem' }), async (c) =>
  c.json(await getEcosystemMfaPolicy(c.env.deps, c.req.param('ecosystemId'))),
);

admin.put(
  mfaPolicyPath,
  op('Set an ecosystem’s second-factor policy', mfaPolicyAnswer, { ...INVALID, 404: 'No such ecosystem' }),
  validate('json', s.MfaPolicyChange, { example: { mfa: 'required', admins: null } }),
  async (c) => c.json(await setEcosystemMfaPolicy(c.env.deps, c.req.param('ecosystemId'), c.req.valid('json'))),
);

admin.delete('/server-tokens/:id', op('Revoke a server token', noContent, { 404: 'No such server token' }), async (c) => {
  await ecosystems.revokeServerToken(c.env.deps, c.req.param('id'));
  return c.body(null, 204);
});

admin.get(
  '/users',
  op('List or search users', { 200: jsonResponse('A page of users', s.pageOf(s.AdminUser)) }, INVALID),
  validate('query', s.UserListQuery),
  async (c) => {
    const query = c.req.valid('query');
    const { ecosystemId, limit, cursor } = query;
    const page = await pageUsers(c.env.deps, { ecosystemId, prefix: searchPrefix(query.q), limit, cursor });
    return c.json({ items: page.items.map(adminUser), next: page.next });
  },
);

admin.post(
  '/users',
  op(
    'Create a user',
    { 201: jsonResponse('The user', s.AdminUser) },
    { ...INVALID, 404: 'No such ecosystem', 409: 'E-mail address or username taken' },
  ),
  validate('json', s.UserCreate, { example: s.USER_EXAMPLE }),
  async (c) => {
    const deps = c.env.deps;
    const { role = 'user', ecosystemId = deps.config.defaultEcosystem, ...fields } = c.req.valid('json');
    await requireEcosystem(deps, ecosystemId);
    const user = await createUser(deps, { ...fields, ecosystemId, role });
    return c.json(adminUser(user), 201);
  },
);

admin.get('/users/:id', op('Show a user', { 200: jsonResponse('The user', s.AdminUser) }, { 404: 'No such user' }), async (c) =>
  c.json(adminUser(await getUser(c.env.deps, c.req.param('id')))),
);

admin.patch(
  '/users/:id',
  op('Change a user’s role or standing', { 200: jsonResponse('The user', s.AdminUser) }, { ...INVALID, 404: 'No such user' }),
  validate('json', s.UserStanding),
  async (c) => c.json(adminUser(await changeUserStanding(c.env.deps, c.req.param('id'), c.req.valid('json')))),
);

admin.delete('/users/:id', op('Delete a user', noContent, { 404: 'No such user' }), async (c) => {
  await deleteUser(c.env.deps, c.req.param('id'));
  return c.body(null, 204);
});

admin.get(
  '/users/:id/sessions',
  op('List a user’s live sessions', { 200: jsonResponse('The sessions', s.itemsOf(s.Session)) }, { 404: 'No such user' }),
  async (c) => {
    const user = await getUser(c.env.deps, c.req.param('id'));
    const rows = await listLiveSessions(c.env.deps, user.id);
    return c.json({
      items: rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        createdAt: iso(row.createdAt),
        lastUsedAt: iso(row.lastUsedAt),
        expiresAt: row.expiresAt === null ? null : iso(row.expiresAt),
      })),
    });
  },
);

admin.delete('/users/:id/sessions', op('Revoke every token of a user', noContent, { 404: 'No such user' }), async (c) => {
  const user = await getUser(c.env.deps, c.req.param('id'));
  await revokeAllTokensForUser(c.env.deps, user.id, 'operator');
  return c.body(null, 204);
});

admin.delete(
  '/users/:id/mfa',
  op('Remove a user’s second factors (authenticator app, recovery codes); every session of the user ends', noContent, {
    404: 'No such user',
  }),
  async (c) => {
    const user = await getUser(c.env.deps, c.req.param('id'));
    await removeSecondFactorsByOperator(c.env.deps, user);
    return c.body(null, 204);
  },
);

admin.delete('/sessions/:id', op('Revoke a session', noContent, { 404: 'No such session' }), async (c) => {
  await revokeSession(c.env.deps, c.req.param('id'), 'operator');
  return c.body(null, 204);
});

admin.get(
  '/outbox',
  op('List the mail outbox', { 200: jsonResponse('The newest messages', s.itemsOf(s.OutboxItem)) }, INVALID),
  validate('query', s.OutboxQuery),
  async (c) => {
    const { to, status, limit } = c.req.valid('query');
    return c.json({ items: (await listOutbox(c.env.deps, { to, status }, limit)).map(outboxItem) });
  },
);

admin.post(
  '/outbox/:id/retry',
  op(
    'Send a failed message again',
    { 202: jsonResponse('The message, pending again', s.OutboxItem) },
    { 404: 'No such message', 409: 'Already sent' },
  ),
  async (c) => c.json(outboxItem(await retryMail(c.env.deps, c.req.param('id'))), 202),
);
