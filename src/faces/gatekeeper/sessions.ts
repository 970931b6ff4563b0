// /api/v2/sessions: log in by username and password (one more session each time: a user may
// hold several) and log out of the session of the token presented, and only that one.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { logInByUsername, logOutSession } from '../../core/username-accounts';
import { bearerToken } from '../../http/auth-header';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { preflight } from './preflight';
import * as s from './schemas';
import { tokenResponse } from './shapes';

export const sessions = new Hono<AppEnv>();

sessions.options('/', preflight(['POST', 'DELETE', 'OPTIONS']));

sessions.post(
  '/',
  describeRoute(
    operation(TAGS.gatekeeper, 'Log in by username and password', SECURITY.none, {
      200: jsonResponse('A new session’s tokens', s.GatekeeperSession),
      ...s.gatekeeperErrors({
        400: 'A field is missing or invalid, or the body is not a JSON object',
        401: 'Wrong username or password, or the e-mail address is not confirmed',
        403: 'Forbidden: mfa_required (the account has a second factor and no otp was sent)',
        429: 'Too many requests or failed attempts',
      }),
    }),
  ),
  rateLimitPerClient({ scope: 'gk-login' }),
  validate('json', s.LoginFields, { example: { username: 'ada', password: 'analytical engine 1843' } }),
  async (c) => {
    const { username, password, otp } = c.req.valid('json');
    const { user, session } = await logInByUsername(c.env.deps, username, password, otp);
    return c.json(tokenResponse(user.username ?? username, session));
  },
);

sessions.delete(
  '/',
  describeRoute(
    operation(TAGS.gatekeeper, 'Log out this session', SECURITY.bearer, {
      204: { description: 'Logged out' },
      ...s.gatekeeperErrors({
        400: 'Authorization is not `Bearer <token>`',
        401: 'No token, or a token that is not active',
        429: 'Too many requests',
      }),
    }),
  ),
  rateLimitPerClient({ scope: 'gk-logout' }),
  async (c) => {
    const deps = c.env.deps;
    await logOutSession(deps, bearerToken(c.req.header('authorization')), deps.config.defaultEcosystem);
    return c.body(null, 204);
  },
);
