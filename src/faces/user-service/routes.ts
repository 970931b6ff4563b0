// The User Service's routes, relative to /v<N>/users. Each handler reads its fields, makes one
// core call and wraps the reply in {"status": "success", ...}; errors go to the face's renderer.
// Some also answer under /v<N>/users/current/ (currentRoutes), the original's layout from 2019 on.
import { Hono, type Context } from 'hono';
import { deleteAttribute, listAttributes, setAttribute } from '../../core/attributes';
import type { Deps } from '../../core/deps';
import { checkHealth } from '../../core/health';
import { confirmEmail, requestPasswordReset, resetPassword } from '../../core/password-reset';
import { profileOf } from '../../core/token-profiles';
import { logInUser, logInWithAccessToken, refreshAccessToken, registerUser } from '../../core/email-accounts';
import { updateUser } from '../../core/users';
import { requiredString } from '../../http/body';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import type { UserRow } from '../../store/user-repo';
import * as read from './requests';
import { attributeMap, serviceUser, serviceUserWithAttributes } from './shapes';

export const routes = new Hono<AppEnv>();

const SUCCESS = 'success';

/** Under the legacy token profile, `id` in bodies is the integer the tokens carry. */
const integerIds = (deps: Deps) => profileOf(deps.config, 'user-service') === 'user-service-legacy';
const shown = (c: Context<AppEnv>, user: UserRow) => serviceUser(user, integerIds(c.env.deps));

// The same check as /healthz: D1 answers with the schema migrated, and KV answers. A bad var never
// gets here: the Worker answers it with a 500 naming the variable.
routes.get('/health', async (c) => {
  const { down } = await checkHealth(c.env.deps);
  if (down.length === 0) return c.text('all good');
  return c.text(down.includes('d1') ? 'database unavailable' : 'token store unavailable', 503, { 'Cache-Control': 'no-store' });
});

routes.post('/register', rateLimitPerClient({ scope: 'register' }), async (c) => {
  const fields = await read.readFields(c);
  const user = await registerUser(c.env.deps, read.registrationOf(c, fields), read.offeredToken(c));
  return c.json({ status: SUCCESS, user: shown(c, user) });
});

routes.get('/activate', async (c) => {
  const user = await confirmEmail(c.env.deps, read.codeOf(c.req.query()));
  return c.json({ status: SUCCESS, user: shown(c, user) });
});

routes.post('/activate', async (c) => {
  const fields = await read.readQueryAndFields(c);
  const user = await confirmEmail(c.env.deps, read.codeOf(fields));
  return c.json({ status: SUCCESS, user: shown(c, user) });
});

routes.post('/login', rateLimitPerClient({ scope: 'login' }), async (c) => {
  const fields = await read.readFields(c);
  // No credentials but a bearer token: new tokens for the token's user, as the original re-issued them.
  const { user, session } = read.isBearerOnlyLogin(c, fields)
    ? await logInWithAccessToken(c.env.deps, read.bearerOf(c))
    : await logInUser(c.env.deps, read.emailOf(fields), read.passwordOf(c, fields));
  return c.json({ status: SUCCESS, accessToken: session.token, refreshToken: session.refreshToken, user: shown(c, user) });
});

routes.post('/accessToken', async (c) => {
  const refreshToken = requiredString(await read.readFields(c), 'refreshToken', 256);
  const refreshed = await refreshAccessToken(c.env.deps, refreshToken);
  return c.json({ status: SUCCESS, accessToken: refreshed.token });
});

routes.post('/newPassword', rateLimitPerClient({ scope: 'password-reset' }), async (c) => {
  const email = read.emailOf(await read.readFields(c));
  await requestPasswordReset(c.env.deps, c.env.deps.config.defaultEcosystem, email);
  return c.json({ status: SUCCESS });
});

// Where the mailed reset link lands: the code is spent only by a POST that brings the new password.
routes.get('/resetPassword', (c) => {
  read.codeOf(c.req.query());
  return c.json({
    status: SUCCESS,
    message: 'To choose a new password, POST this code and the new password to this route: {"code": "...", "password": "..."}.',
  });
});

routes.post('/resetPassword', async (c) => {
  const fields = await read.readQueryAndFields(c);
  const user = await resetPassword(c.env.deps, read.codeOf(fields), read.passwordOf(c, fields));
  return c.json({ status: SUCCESS, user: shown(c, user) });
});

async function withAttributes(deps: Deps, user: UserRow) {
  return serviceUserWithAttributes(user, await listAttributes(deps, user.id), integerIds(deps));
}

routes.post('/attributes', async (c) => {
  const user = await read.signedInUser(c);
  const { key, text } = read.attributeOf(await read.readFields(c));
  await setAttribute(c.env.deps, user.id, key, text);
  return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, user) });
});

routes.get('/attributes', async (c) => {
  const user = await read.signedInUser(c);
  return c.json(attributeMap(await listAttributes(c.env.deps, user.id)));
});

// The original took the attribute to delete at both /attributes and /attribute, in the body or the query.
for (const path of ['/attributes', '/attribute']) {
  routes.delete(path, async (c) => {
    const user = await read.signedInUser(c);
    const target = read.attributeTargetOf(await read.readQueryAndFields(c));
    await deleteAttribute(c.env.deps, user.id, target);
    return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, user) });
  });
}

routes.post('/profile', async (c) => {
  const user = await read.signedInUser(c);
  const updated = await updateUser(c.env.deps, user.id, read.profileOf(await read.readFields(c)));
  return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, updated) });
});

routes.get('/profile', async (c) => {
  const user = await read.signedInUser(c);
  return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, user) });
});

routes.get('/status', async (c) => {
  const user = await read.signedInUser(c);
  return c.json({ status: SUCCESS, user: shown(c, user) });
});

// Every route answers OPTIONS in the original's words; the shared CORS middleware adds its headers.
for (const path of new Set(routes.routes.map((route) => route.path))) {
  routes.options(path, (c) => c.text('options allowed'));
}

/** The routes the original also served under /v<N>/users/current/, with the same handlers. */
const CURRENT_PATHS = new Set(['/login', '/status', '/profile', '/accessToken', '/attributes', '/attribute']);
export const currentRoutes = new Hono<AppEnv>();
for (const route of routes.routes) {
  if (CURRENT_PATHS.has(route.path)) currentRoutes.on(route.method, route.path, route.handler);
}
