// /api/v2/sessions: log in by username and password (one more session each time: a user may
// hold several) and log out of the session of the token presented, and only that one.
import { Hono } from 'hono';
import { logInByUsername, logOutSession } from '../../core/username-accounts';
import { bearerToken } from '../../http/auth-header';
import { readBody } from '../../http/body';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { preflight } from './preflight';
import { loginFields } from './requests';
import { tokenResponse } from './shapes';

export const sessions = new Hono<AppEnv>();

sessions.options('/', preflight(['POST', 'DELETE', 'OPTIONS']));

sessions.post('/', rateLimitPerClient({ scope: 'gk-login' }), async (c) => {
  const deps = c.env.deps;
  const { username, password } = loginFields(c, await readBody(c));
  const { user, session } = await logInByUsername(deps, username, password);
  return c.json(tokenResponse(user.username ?? username, session));
});

sessions.delete('/', rateLimitPerClient({ scope: 'gk-logout' }), async (c) => {
  const deps = c.env.deps;
  await logOutSession(deps, bearerToken(c.req.header('authorization')), deps.config.defaultEcosystem);
  return c.body(null, 204);
});
