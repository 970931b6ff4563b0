// /api/v2/users: register, list (admins) or read oneself, replace one's own profile, read one
// user, set a developer's public key, and the service's own signing public key.
import { Hono } from 'hono';
import { isAdmin, ownUser } from '../../core/actors';
import { readUserAs, registerAccount, setPublicKey, updateOwnProfile } from '../../core/username-accounts';
import { pageUsersByNumber } from '../../core/user-listing';
import { readBody } from '../../http/body';
import { rateLimitPerClient } from '../../http/rate-limit';
import type { AppEnv } from '../../http/types';
import { optionalActor, requireActor } from './caller';
import { pageHeaders } from './pagination';
import { preflight } from './preflight';
import { accountFields, pageQuery, publicKeyFields, uuidParam } from './requests';
import { profileOf, signerOf } from '../../core/token-profiles';
import { signerPem } from './service';
import { roleForUserType, userObject } from './shapes';

const PUBLIC_KEY_CACHE = 'public, max-age=300';
const locationOf = (userId: string) => `/api/v2/users/${userId}`;

export const users = new Hono<AppEnv>();

users.options('/', preflight(['GET', 'POST', 'PUT', 'OPTIONS']));

users.post('/', rateLimitPerClient({ scope: 'gk-register' }), async (c) => {
  const deps = c.env.deps;
  const { userType, ...fields } = accountFields(c, await readBody(c));
  const actor = await optionalActor(c);
  const user = await registerAccount(deps, actor, { ...fields, role: userType, ecosystemId: deps.config.defaultEcosystem });
  return c.json(userObject(user), 201, { Location: locationOf(user.id) });
});

users.get('/', async (c) => {
  const deps = c.env.deps;
  const actor = await requireActor(c);
  if (!isAdmin(actor)) return c.json(userObject(ownUser(actor)));
  const page = pageQuery(c);
  const { items, total, slots } = await pageUsersByNumber(deps, actor, deps.config.defaultEcosystem, page);
  const baseUrl = `${deps.publicUrl.replace(/\/+$/, '')}${new URL(c.req.url).pathname}`;
  return c.json(items.map(userObject), 200, pageHeaders(baseUrl, page, total, slots));
});

users.put('/', async (c) => {
  const actor = await requireActor(c);
  const { userType, ...fields } = accountFields(c, await readBody(c));
  const role = roleForUserType(userType, ownUser(actor).role);
  const user = await updateOwnProfile(c.env.deps, actor, { ...fields, role });
  return c.json(userObject(user), 200, { Location: locationOf(user.id) });
});

// Before `/:uuid`, which would otherwise take `public-key` or `username` for an id.
users.get('/public-key', async (c) => {
  const { keys, config } = c.env.deps;
  const pem = await signerPem(keys, signerOf(keys, profileOf(config, 'gatekeeper')));
  return c.json({ 'public-key': pem }, 200, { 'Cache-Control': PUBLIC_KEY_CACHE });
});

/** The token's username as a JSON string, as the original answered. */
users.get('/username', async (c) => {
  const actor = await requireActor(c);
  return c.json(ownUser(actor).username);
});

users.get('/:uuid', async (c) => {
  const deps = c.env.deps;
  const actor = await requireActor(c);
  const user = await readUserAs(deps, actor, deps.config.defaultEcosystem, uuidParam(c.req.param('uuid')));
  return c.json(userObject(user));
});

users.patch('/:username/user-public-key', async (c) => {
  const deps = c.env.deps;
  const actor = await requireActor(c);
  const keys = publicKeyFields(await readBody(c));
  const user = await setPublicKey(deps, actor, deps.config.defaultEcosystem, c.req.param('username'), keys);
  return c.json(userObject(user));
});
