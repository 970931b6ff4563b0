// The User Service's routes, relative to /v<N>/users. Each route checks, in order: the caller
// (bearer routes), then its fields by the zod schemas of schemas.ts (src/http/validate.ts), which
// also document it; the handler makes one core call and wraps the reply in {"status": "success", ...};
// errors go to the face's renderer. Some also answer under /v<N>/users/current/ (currentRoutes),
// the original's layout from 2019 on.
import { Hono, type Context } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import { deleteAttribute, listAttributes, setAttribute } from '../../core/attributes';
import type { Deps } from '../../core/deps';
import { checkHealth } from '../../core/health';
import { confirmEmail, requestPasswordReset, resetPassword } from '../../core/password-reset';
import { profileOf } from '../../core/token-profiles';
import { logInUser, refreshAccessToken, registerUser } from '../../core/email-accounts';
import { updateUser } from '../../core/users';
import { rateLimitPerClient } from '../../http/rate-limit';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import type { UserRow } from '../../core/users';
import { bearerOnlyLogin, offeredToken, signedIn, type LoginAnswer, type ServiceEnv } from './caller';
import * as s from './schemas';
import { attributeMap, serviceUser, serviceUserWithAttributes } from './shapes';

export const routes = new Hono<ServiceEnv>();

const SUCCESS = 'success';

/** Under the legacy token profile, `id` in bodies is the integer the tokens carry. */
const integerIds = (deps: Deps) => profileOf(deps.config, 'user-service') === 'user-service-legacy';
const shown = (c: Context<ServiceEnv>, user: UserRow) => serviceUser(user, integerIds(c.env.deps));

const VERSION = {
  in: 'path' as const,
  name: 'version',
  required: true,
  schema: { type: 'string' as const, pattern: '^v[0-9]+$', example: 'v1' },
};

/** A User Service route's description: its summary, who may call, its answer and its errors. */
function op(summary: string, security: typeof SECURITY.none, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute({
    ...operation(TAGS.userService, summary, security, { ...ok, ...s.userServiceErrors(errors) }),
    parameters: [VERSION],
  });
}
const INVALID = { 400: 'A field is missing or invalid (the reason names it), or the body is neither JSON nor a form' };
const BEARER = { 401: 'No access token, or one that is not good' };
const bearerOp = (summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) =>
  op(summary, SECURITY.bearer, ok, { ...BEARER, ...errors });
const userAnswer = { 200: jsonResponse('The user', s.UserAnswer) };
const profileAnswer = { 200: jsonResponse('The user and its attributes', s.UserWithAttributesAnswer) };
const text = (description: string, example: string) => ({
  description,
  content: { 'text/plain': { schema: { type: 'string' as const }, example } },
});

// The same check as /healthz: D1 answers with the schema migrated, and KV answers. A bad var never
// gets here: the Worker answers it with a 500 naming the variable.
routes.get(
  '/health',
  op('Service health, in the original’s words', SECURITY.none, {
    200: text('All up', 'all good'),
    503: text('What is down', 'database unavailable'),
  }),
  async (c) => {
    const { down } = await checkHealth(c.env.deps);
    if (down.length === 0) return c.text('all good');
    return c.text(down.includes('d1') ? 'database unavailable' : 'token store unavailable', 503, { 'Cache-Control': 'no-store' });
  },
);

routes.post(
  '/register',
  op('Register by e-mail and password', SECURITY.none, userAnswer, { ...INVALID, 403: 'Registration is closed', 429: 'Too many requests' }),
  rateLimitPerClient({ scope: 'register' }),
  validate('json', s.Registration, { ...s.BODY, example: { ...s.LOGIN_EXAMPLE, firstname: 'Ada', lastname: 'Lovelace', language: 'en' } }),
  async (c) => {
    const user = await registerUser(c.env.deps, c.req.valid('json'), offeredToken(c.req.header('authorization')));
    return c.json({ status: SUCCESS, user: shown(c, user) });
  },
);

const activated = { ...userAnswer, ...s.userServiceErrors({ 400: 'No code, or no user with that code, or already activated' }) };

routes.get(
  '/activate',
  op('Confirm an e-mail address by its code (the mailed link)', SECURITY.none, activated),
  validate('query', s.CodeFields),
  async (c) => {
    const user = await confirmEmail(c.env.deps, c.req.valid('query').code);
    return c.json({ status: SUCCESS, user: shown(c, user) });
  },
);

routes.post(
  '/activate',
  op('Confirm an e-mail address by its code', SECURITY.none, activated),
  validate('query', s.queryOf('code')),
  validate('json', s.CodeFields, s.QUERY_AND_BODY),
  async (c) => {
    const user = await confirmEmail(c.env.deps, c.req.valid('json').code);
    return c.json({ status: SUCCESS, user: shown(c, user) });
  },
);

const loggedIn: LoginAnswer = (c, { user, session }) =>
  c.json({ status: SUCCESS, accessToken: session.token, refreshToken: session.refreshToken, user: shown(c, user) });

routes.post(
  '/login',
  op(
    'Log in: an access and a refresh token (or, with no credentials but a bearer token, new tokens for its user)',
    [{}, ...SECURITY.bearer],
    { 200: jsonResponse('The tokens and the user', s.LoginAnswer) },
    {
      ...INVALID,
      401: 'Wrong e-mail address or password, or a bearer token that is not good',
      403: 'mfa_required: the account has a second factor and no otp was sent',
      429: 'Too many requests or failed attempts',
    },
  ),
  rateLimitPerClient({ scope: 'login' }),
  bearerOnlyLogin(loggedIn),
  // A request with a bearer token and no body was answered by bearerOnlyLogin: the body is not required.
  validate('json', s.Login, { ...s.BODY, example: s.LOGIN_EXAMPLE, bodyOptional: true }),
  async (c) => {
    const { email, password, otp } = c.req.valid('json');
    return loggedIn(c, await logInUser(c.env.deps, email, password, otp));
  },
);

routes.post(
  '/accessToken',
  op(
    'A new access token for a refresh token',
    SECURITY.none,
    { 200: jsonResponse('The access token', s.AccessTokenAnswer) },
    {
      ...INVALID,
      401: 'The refresh token is not good',
    },
  ),
  validate('json', s.RefreshFields, s.BODY),
  async (c) => {
    const refreshed = await refreshAccessToken(c.env.deps, c.req.valid('json').refreshToken);
    return c.json({ status: SUCCESS, accessToken: refreshed.token });
  },
);

routes.post(
  '/newPassword',
  op(
    'Mail a password reset code',
    SECURITY.none,
    { 200: jsonResponse('Done, whether or not the address is known', s.SuccessAnswer) },
    {
      ...INVALID,
      429: 'Too many requests',
    },
  ),
  rateLimitPerClient({ scope: 'password-reset' }),
  validate('json', s.EmailFields, s.BODY),
  async (c) => {
    await requestPasswordReset(c.env.deps, c.env.deps.config.defaultEcosystem, c.req.valid('json').email);
    return c.json({ status: SUCCESS });
  },
);

// Where the mailed reset link lands: the code is spent only by a POST that brings the new password.
routes.get(
  '/resetPassword',
  op('The reset link’s landing answer', SECURITY.none, { 200: jsonResponse('How to choose the new password', s.SuccessAnswer) }, INVALID),
  validate('query', s.CodeFields),
  (c) =>
    c.json({
      status: SUCCESS,
      message: 'To choose a new password, POST this code and the new password to this route: {"code": "...", "password": "..."}.',
    }),
);

routes.post(
  '/resetPassword',
  op('Set a new password with a reset code', SECURITY.none, userAnswer, {
    400: 'A field is missing or invalid, or the code is invalid, used or expired',
  }),
  validate('query', s.queryOf('code', 'password')),
  validate('json', s.ResetFields, s.QUERY_AND_BODY),
  async (c) => {
    const { code, password } = c.req.valid('json');
    const user = await resetPassword(c.env.deps, code, password);
    return c.json({ status: SUCCESS, user: shown(c, user) });
  },
);

async function withAttributes(deps: Deps, user: UserRow) {
  return serviceUserWithAttributes(user, await listAttributes(deps, user.id), integerIds(deps));
}

routes.post(
  '/attributes',
  bearerOp('Set an attribute of the caller', profileAnswer, {
    400: 'A field is missing or invalid, or a limit of the attributes was exceeded',
  }),
  signedIn,
  validate('json', s.Attribute, { ...s.BODY, example: { attributeKey: 'colour', attributeText: 'blue' } }),
  async (c) => {
    const { key, text } = c.req.valid('json');
    await setAttribute(c.env.deps, c.get('user').id, key, text);
    return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, c.get('user')) });
  },
);

routes.get(
  '/attributes',
  bearerOp('The caller’s attributes', { 200: jsonResponse('Each attribute’s key and text', s.Attributes) }),
  signedIn,
  async (c) => {
    return c.json(attributeMap(await listAttributes(c.env.deps, c.get('user').id)));
  },
);

// The original took the attribute to delete at both /attributes and /attribute, in the body or the query.
for (const [path, summary] of [
  ['/attributes', 'Delete one attribute of the caller'],
  ['/attribute', 'Delete one attribute of the caller (the original’s second path)'],
] as const) {
  routes.delete(
    path,
    bearerOp(summary, profileAnswer, INVALID),
    signedIn,
    validate('query', s.queryOf('attributeKey', 'attributeId')),
    validate('json', s.AttributeTarget, s.QUERY_AND_BODY),
    async (c) => {
      const user = c.get('user');
      await deleteAttribute(c.env.deps, user.id, c.req.valid('json'));
      return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, user) });
    },
  );
}

routes.post(
  '/profile',
  bearerOp('Update the caller’s profile (a name left out becomes null)', profileAnswer, INVALID),
  signedIn,
  validate('json', s.Profile, { ...s.BODY, example: { firstname: 'Ada', lastname: 'Lovelace' } }),
  async (c) => {
    const updated = await updateUser(c.env.deps, c.get('user').id, c.req.valid('json'));
    return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, updated) });
  },
);

routes.get('/profile', bearerOp('The caller’s profile and attributes', profileAnswer), signedIn, async (c) => {
  return c.json({ status: SUCCESS, user: await withAttributes(c.env.deps, c.get('user')) });
});

routes.get('/status', bearerOp('The caller', userAnswer), signedIn, (c) => c.json({ status: SUCCESS, user: shown(c, c.get('user')) }));

// Every route answers OPTIONS in the original's words; the shared CORS middleware adds its headers.
for (const path of new Set(routes.routes.map((route) => route.path))) {
  routes.options(path, (c) => c.text('options allowed'));
}

/** The routes the original also served under /v<N>/users/current/, with the same handlers (and descriptions). */
const CURRENT_PATHS = new Set(['/login', '/status', '/profile', '/accessToken', '/attributes', '/attribute']);
export const currentRoutes = new Hono<ServiceEnv>();
for (const route of routes.routes) {
  if (CURRENT_PATHS.has(route.path)) currentRoutes.on(route.method, route.path, route.handler);
}
