// Operator routes under /admin/v1. Every route takes the deployment's account token
// (`Authorization: Bearer <token>` or the raw token); anything else is 401.
import { Hono, type MiddlewareHandler } from 'hono';
import * as ecosystems from '../../core/ecosystems';
import { AppError, invalidField } from '../../core/errors';
import { listOutbox, OUTBOX_STATUSES, retryMail, type OutboxStatus } from '../../core/mail';
import { revokeAllTokensForUser } from '../../core/revocation';
import { listLiveSessions, revokeSession } from '../../core/sessions';
import { pageUsers, searchPrefix } from '../../core/user-listing';
import { pageLimit } from '../../http/page-limit';
import { changeUserStanding, createUser, EMAIL_MAX_LENGTH, deleteUser, getUser, requireEcosystem, ROLES, type Role } from '../../core/users';
import { rawOrBearerToken } from '../../http/auth-header';
import { optionalBoolean, optionalInteger, optionalString, passwordFieldMaxLength, readBody } from '../../http/body';
import type { AppEnv } from '../../http/types';
import { adminUser, iso, outboxItem } from './shapes';

const requireAccountToken: MiddlewareHandler<AppEnv> = async function requireAccountToken(c, next) {
  const token = rawOrBearerToken(c.req.header('authorization'));
  if (!ecosystems.isAccountToken(c.env.deps, token)) throw new AppError('UNAUTHENTICATED');
  await next();
};

export const admin = new Hono<AppEnv>();
admin.use('*', requireAccountToken);

admin.post('/ecosystems', async (c) => {
  const body = await readBody(c);
  const row = await ecosystems.createEcosystem(c.env.deps, optionalString(body, 'name', 200));
  return c.json({ id: row.id, name: row.name, createdAt: iso(row.createdAt) }, 201);
});

admin.get('/ecosystems', async (c) => {
  const rows = await ecosystems.listEcosystems(c.env.deps);
  return c.json({ items: rows.map((row) => ({ id: row.id, name: row.name, createdAt: iso(row.createdAt) })) });
});

admin.post('/ecosystems/:ecosystemId/environments', async (c) => {
  const body = await readBody(c);
  const row = await ecosystems.createEnvironment(c.env.deps, c.req.param('ecosystemId'), optionalString(body, 'name', 200));
  return c.json({ id: row.id, ecosystemId: row.ecosystemId, name: row.name }, 201);
});

admin.post('/ecosystems/:ecosystemId/server-tokens', async (c) => {
  const body = await readBody(c);
  const issued = await ecosystems.createServerToken(c.env.deps, c.req.param('ecosystemId'), optionalString(body, 'name', 200));
  return c.json(issued, 201);
});

admin.delete('/server-tokens/:id', async (c) => {
  await ecosystems.revokeServerToken(c.env.deps, c.req.param('id'));
  return c.body(null, 204);
});

admin.get('/users', async (c) => {
  const page = await pageUsers(c.env.deps, {
    ecosystemId: c.req.query('ecosystemId'),
    prefix: searchPrefix(c.req.query('q')),
    limit: pageLimit(c.req.query('limit')),
    cursor: c.req.query('cursor'),
  });
  return c.json({ items: page.items.map(adminUser), next: page.next });
});

admin.post('/users', async (c) => {
  const deps = c.env.deps;
  const body = await readBody(c);
  const role = optionalString(body, 'role', 32) ?? 'user';
  if (!ROLES.includes(role as Role)) throw invalidField('role', `must be one of ${ROLES.join(', ')}`);
  const ecosystemId = optionalString(body, 'ecosystemId', 64) ?? deps.config.defaultEcosystem;
  await requireEcosystem(deps, ecosystemId);
  const user = await createUser(deps, {
    ecosystemId,
    email: optionalString(body, 'email', EMAIL_MAX_LENGTH),
    username: optionalString(body, 'username', 64),
    password: optionalString(body, 'password', passwordFieldMaxLength(deps.config)),
    role: role as Role,
    firstName: optionalString(body, 'firstName', 200),
    lastName: optionalString(body, 'lastName', 200),
  });
  return c.json(adminUser(user), 201);
});

admin.get('/users/:id', async (c) => c.json(adminUser(await getUser(c.env.deps, c.req.param('id')))));

admin.patch('/users/:id', async (c) => {
  const body = await readBody(c);
  const role = optionalString(body, 'role', 32);
  if (role !== undefined && !ROLES.includes(role as Role)) throw invalidField('role', `must be one of ${ROLES.join(', ')}`);
  const user = await changeUserStanding(c.env.deps, c.req.param('id'), {
    role: role as Role | undefined,
    permissionLevel: optionalInteger(body, 'permissionLevel', 0, 2),
    disabled: optionalBoolean(body, 'disabled'),
  });
  return c.json(adminUser(user));
});

admin.delete('/users/:id', async (c) => {
  await deleteUser(c.env.deps, c.req.param('id'));
  return c.body(null, 204);
});

admin.get('/users/:id/sessions', async (c) => {
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
});

admin.delete('/users/:id/sessions', async (c) => {
  const user = await getUser(c.env.deps, c.req.param('id'));
  await revokeAllTokensForUser(c.env.deps, user.id, 'operator');
  return c.body(null, 204);
});

admin.delete('/sessions/:id', async (c) => {
  await revokeSession(c.env.deps, c.req.param('id'), 'operator');
  return c.body(null, 204);
});

admin.get('/outbox', async (c) => {
  const status = c.req.query('status');
  if (status !== undefined && !OUTBOX_STATUSES.includes(status as OutboxStatus)) {
    throw invalidField('status', `must be one of ${OUTBOX_STATUSES.join(', ')}`);
  }
  const filter = { to: c.req.query('to'), status: status as OutboxStatus | undefined };
  const rows = await listOutbox(c.env.deps, filter, pageLimit(c.req.query('limit')));
  return c.json({ items: rows.map(outboxItem) });
});

admin.post('/outbox/:id/retry', async (c) => c.json(outboxItem(await retryMail(c.env.deps, c.req.param('id'))), 202));
