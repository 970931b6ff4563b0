// /api/v2/users: register, list (admins) or read oneself, replace one's own profile, read one
// user, set a developer's public key, and the service's own signing public key. Each route checks,
// in order: the caller (where one is needed), then the request by the zod schemas of schemas.ts
// (src/http/validate.ts), which also document the route.
import { Hono } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import { z } from 'zod';
import { isAdmin, ownUser } from '../../core/actors';
import { readUserAs, registerAccount, setPublicKey, updateOwnProfile } from '../../core/username-accounts';
import { pageUsersByNumber } from '../../core/user-listing';
import { rateLimitPerClient } from '../../http/rate-limit';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { GATEKEEPER_BEARER, optionalActor, signedIn, type GatekeeperEnv } from './caller';
import { pageHeaders } from './pagination';
import { preflight } from './preflight';
import * as s from './schemas';
import { signingKeyPem } from '../../core/token-profiles';
import { roleForUserType, userObject } from './shapes';

const PUBLIC_KEY_CACHE = 'public, max-age=300';
const locationOf = (userId: string) => `/api/v2/users/${userId}`;

/** A Gatekeeper route's description: its summary, who may call, its answer and its errors. */
function op(summary: string, security: typeof SECURITY.none, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.gatekeeper, summary, security, { ...ok, ...s.gatekeeperErrors(errors) }));
}
const INVALID = { 400: 'A field is missing or invalid (the message names it), or the body is not a JSON object' };
const UNAUTHORIZED = { 401: 'No token, or a token that is not active' };
const account = validate('json', s.AccountFields, { example: s.ACCOUNT_EXAMPLE });

export const users = new Hono<GatekeeperEnv>();

users.options('/', preflight(['GET', 'POST', 'PUT', 'OPTIONS']));

users.post(
  '/',
  op(
    'Register (an admin or the account token may create others)',
    [{}, ...GATEKEEPER_BEARER],
    { 201: jsonResponse('The user', s.GatekeeperUser) },
    {
      ...INVALID,
      ...UNAUTHORIZED,
      403: 'Registration is closed, or the caller may not create that user',
      409: 'User name or e-mail address already in use',
      429: 'Too many requests',
    },
  ),
  rateLimitPerClient({ scope: 'gk-register' }),
  account,
  async (c) => {
    const deps = c.env.deps;
    const { userType, ...fields } = c.req.valid('json');
    const actor = await optionalActor(c);
    const user = await registerAccount(deps, actor, { ...fields, role: userType, ecosystemId: deps.config.defaultEcosystem });
    return c.json(userObject(user), 201, { Location: locationOf(user.id) });
  },
);

users.get(
  '/',
  op(
    'The caller, or every user for an admin (paged by number; `Record-Count` and `Link` headers)',
    GATEKEEPER_BEARER,
    { 200: jsonResponse('The caller, or a page of users for an admin', z.union([s.GatekeeperUser, z.array(s.GatekeeperUser)])) },
    { 400: 'A bad offset or limit', ...UNAUTHORIZED },
  ),
  signedIn,
  validate('query', s.PageQuery),
  async (c) => {
    const deps = c.env.deps;
    const actor = c.get('actor');
    if (!isAdmin(actor)) return c.json(userObject(ownUser(actor)));
    const page = c.req.valid('query');
    const { items, total, slots } = await pageUsersByNumber(deps, actor, deps.config.defaultEcosystem, page);
    const baseUrl = `${deps.publicUrl.replace(/\/+$/, '')}${new URL(c.req.url).pathname}`;
    return c.json(items.map(userObject), 200, pageHeaders(baseUrl, page, total, slots));
  },
);

users.put(
  '/',
  op(
    'Update the caller’s own profile',
    GATEKEEPER_BEARER,
    { 200: jsonResponse('The user', s.GatekeeperUser) },
    {
      ...INVALID,
      ...UNAUTHORIZED,
      409: 'User name or e-mail address already in use',
    },
  ),
  signedIn,
  account,
  async (c) => {
    const actor = c.get('actor');
    const { userType, currentPassword, ...fields } = c.req.valid('json');
    const role = roleForUserType(userType, ownUser(actor).role);
    const user = await updateOwnProfile(c.env.deps, actor, { ...fields, role }, currentPassword);
    return c.json(userObject(user), 200, { Location: locationOf(user.id) });
  },
);

// Before `/:uuid`, which would otherwise take `public-key` or `username` for an id.
users.get(
  '/public-key',
  op('The PEM key that signs Gatekeeper tokens', SECURITY.none, { 200: jsonResponse('The key', s.PemPublicKey) }),
  async (c) => {
    const pem = await signingKeyPem(c.env.deps, 'gatekeeper');
    return c.json({ 'public-key': pem }, 200, { 'Cache-Control': PUBLIC_KEY_CACHE });
  },
);

/** The token's username as a JSON string, as the original answered. */
users.get(
  '/username',
  op('The caller’s username', GATEKEEPER_BEARER, { 200: jsonResponse('The username, a JSON string', z.string().nullable()) }, UNAUTHORIZED),
  signedIn,
  async (c) => {
    return c.json(ownUser(c.get('actor')).username);
  },
);

users.get(
  '/:uuid',
  op(
    'A user by id',
    GATEKEEPER_BEARER,
    { 200: jsonResponse('The user', s.GatekeeperUser) },
    { ...UNAUTHORIZED, 403: 'Not the caller, and the caller is no admin', 404: 'No such user (or not a v4 UUID)' },
  ),
  signedIn,
  validate('param', s.UserIdParam, s.USER_ID_VALIDATION),
  async (c) => {
    const deps = c.env.deps;
    const user = await readUserAs(deps, c.get('actor'), deps.config.defaultEcosystem, c.req.valid('param').uuid);
    return c.json(userObject(user));
  },
);

users.patch(
  '/:username/user-public-key',
  op(
    'Set a user’s public key or certificate',
    GATEKEEPER_BEARER,
    { 200: jsonResponse('The user', s.GatekeeperUser) },
    {
      ...INVALID,
      ...UNAUTHORIZED,
      403: 'Not the caller, and the caller is no admin',
      404: 'No such user',
    },
  ),
  signedIn,
  validate('json', s.PublicKeyFields, { example: { public_key: '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----' } }),
  async (c) => {
    const deps = c.env.deps;
    const user = await setPublicKey(deps, c.get('actor'), deps.config.defaultEcosystem, c.req.param('username'), c.req.valid('json'));
    return c.json(userObject(user));
  },
);
