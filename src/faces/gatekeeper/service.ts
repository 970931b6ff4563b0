// What the Gatekeeper told its micro-services and clients about itself: the root of the API
// (GET /api) and the public key tokens verify with, in the shape SONATA's `son-access` reads
// (`{"items": {"public-key": "<base64 SPKI, no PEM header>"}}`). The key is the one the
// Gatekeeper's token profile signs with: RSA under the legacy profile, else ES256 or Ed25519.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { signingKeyPem } from '../../core/token-profiles';
import type { AppEnv } from '../../http/types';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { MicroServicePublicKey, RootEntries } from './schemas';

const PUBLIC_KEY_CACHE = 'public, max-age=300';
export const microServices = new Hono<AppEnv>();

const keyDoc = operation(TAGS.gatekeeper, 'The key that signs Gatekeeper tokens (base64 SPKI)', SECURITY.none, {
  200: jsonResponse('The key, as SONATA’s son-access reads it', MicroServicePublicKey),
});

microServices.get('/public-key', describeRoute(keyDoc), async (c) => {
  const pem = await signingKeyPem(c.env.deps, 'gatekeeper');
  const base64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return c.json({ items: { 'public-key': base64 } }, 200, { 'Cache-Control': PUBLIC_KEY_CACHE });
});

const ROOT = [
  { uri: '/api', method: 'GET', purpose: 'REST API structure and capability discovery' },
  { uri: '/api/v2/sessions', method: 'POST', purpose: 'Log in (username and password)' },
  { uri: '/api/v2/sessions', method: 'DELETE', purpose: 'Log out of this session' },
  { uri: '/api/v2/users', method: 'POST', purpose: 'Register a user' },
  { uri: '/api/v2/users', method: 'GET', purpose: 'List users (admins) or read oneself' },
  { uri: '/api/v2/users', method: 'PUT', purpose: "Update one's own profile" },
  { uri: '/api/v2/users/:uuid', method: 'GET', purpose: 'Read a user' },
  { uri: '/api/v2/users/username', method: 'GET', purpose: 'The username of the token presented' },
  { uri: '/api/v2/users/:username/user-public-key', method: 'PATCH', purpose: "Set a developer's public key" },
  { uri: '/api/v2/users/public-key', method: 'GET', purpose: 'The token-signing public key (PEM)' },
  { uri: '/api/v2/micro-services/public-key', method: 'GET', purpose: 'The token-signing public key (base64 SPKI)' },
];

/** GET /api: the Gatekeeper's root, a list of its interfaces as the original answered (app.get('/api', ...gatekeeperRoot)). */
export const gatekeeperRoot = [
  describeRoute(
    operation(TAGS.gatekeeper, 'What this service is', SECURITY.none, { 200: jsonResponse('The Gatekeeper’s interfaces', RootEntries) }),
  ),
  (c: Context<AppEnv>) => c.json(ROOT),
] as const;
