// The routes of the faces whose requests are not yet on zod schemas (the Gatekeeper, the User
// Service): listed here with a summary, a tag and who may call, so /openapi.json names
// every route the app answers, and their error bodies. Whoever converts a face moves its routes
// to describeRoute() beside the handlers (as src/faces/droplit and src/faces/management do),
// moves its error schema into the face's schemas.ts, and deletes its entries here; the coverage test
// (test/openapi/document.test.ts) says when an entry here names a route that is gone.
import { z } from 'zod';
import { errorResponses, SECURITY, TAGS } from './describe';

/** `{"error": {"code": <status>, "message"}}` (src/faces/gatekeeper/errors.ts). */
export const GatekeeperError = z.object({
  error: z.object({ code: z.number().int().meta({ example: 400 }), message: z.string().meta({ example: 'User name is missing' }) }),
  requestId: z.string().optional(),
});

/** `{"error": "<reason>"}` (src/faces/user-service/errors.ts). */
export const UserServiceError = z.object({
  error: z.string().meta({ example: 'Username or password is incorrect' }),
  requestId: z.string().optional(),
});

type Security = keyof typeof SECURITY;
type Entry = [method: string, path: string, summary: string, security: Security];

const GATEKEEPER: Entry[] = [
  ['get', '/api', 'What this service is', 'none'],
  ['post', '/api/v2/users', 'Register (an admin or the account token may create others)', 'none'],
  ['get', '/api/v2/users', 'The caller, or every user for an admin (paged by number)', 'bearer'],
  ['put', '/api/v2/users', 'Update the caller’s own profile', 'bearer'],
  ['get', '/api/v2/users/public-key', 'The PEM key that signs Gatekeeper tokens', 'none'],
  ['get', '/api/v2/users/username', 'The caller’s username', 'bearer'],
  ['get', '/api/v2/users/{uuid}', 'A user by id', 'bearer'],
  ['patch', '/api/v2/users/{username}/user-public-key', 'Set a user’s public key or certificate', 'bearer'],
  ['post', '/api/v2/sessions', 'Log in by username and password', 'none'],
  ['delete', '/api/v2/sessions', 'Log out this session', 'bearer'],
  ['get', '/api/v2/micro-services/public-key', 'The PEM key that signs Gatekeeper tokens', 'none'],
];

const USER_SERVICE_ROUTES: Entry[] = [
  ['get', '/health', 'Service health, in the original’s words', 'none'],
  ['post', '/register', 'Register by e-mail and password', 'none'],
  ['get', '/activate', 'Confirm an e-mail address by its code (the mailed link)', 'none'],
  ['post', '/activate', 'Confirm an e-mail address by its code', 'none'],
  ['post', '/login', 'Log in: an access and a refresh token', 'none'],
  ['post', '/accessToken', 'A new access token for a refresh token', 'none'],
  ['post', '/newPassword', 'Mail a password reset code', 'none'],
  ['get', '/resetPassword', 'The reset link’s landing answer', 'none'],
  ['post', '/resetPassword', 'Set a new password with a reset code', 'none'],
  ['post', '/attributes', 'Set attributes of the caller', 'bearer'],
  ['get', '/attributes', 'The caller’s attributes', 'bearer'],
  ['delete', '/attributes', 'Delete one attribute of the caller', 'bearer'],
  ['delete', '/attribute', 'Delete one attribute of the caller (the original’s second path)', 'bearer'],
  ['post', '/profile', 'Update the caller’s profile', 'bearer'],
  ['get', '/profile', 'The caller’s profile and attributes', 'bearer'],
  ['get', '/status', 'The caller', 'bearer'],
];
/** The routes the original also served under /v<N>/users/current/ (src/faces/user-service/routes.ts). */
const CURRENT = new Set(['/login', '/status', '/profile', '/accessToken', '/attributes', '/attribute']);
const USER_SERVICE: Entry[] = [
  ...USER_SERVICE_ROUTES.map(([method, path, summary, security]): Entry => [method, `/{version}/users${path}`, summary, security]),
  ...USER_SERVICE_ROUTES.filter(([, path]) => CURRENT.has(path)).map(
    ([method, path, summary, security]): Entry => [method, `/{version}/users/current${path}`, summary, security],
  ),
];

const FACES: [tag: string, errorSchema: string, entries: Entry[]][] = [
  [TAGS.gatekeeper, 'GatekeeperError', GATEKEEPER],
  [TAGS.userService, 'UserServiceError', USER_SERVICE],
];

const VERSION = { in: 'path', name: 'version', required: true, schema: { type: 'string', pattern: '^v[0-9]+$', example: 'v1' } };

/** The pending routes as OpenAPI path items: summary, tag, security, the face's error body. */
export function pendingPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [tag, errorSchema, entries] of FACES) {
    for (const [method, path, summary, security] of entries) {
      const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) =>
        name === 'version' ? VERSION : { in: 'path', name, required: true, schema: { type: 'string' } },
      );
      (paths[path] ??= {})[method] = {
        tags: [tag],
        summary,
        security: SECURITY[security],
        ...(parameters.length > 0 ? { parameters } : {}),
        responses: { 200: { description: 'Success' }, ...errorResponses(errorSchema, { 400: 'Refused (the body names why)' }) },
      };
    }
  }
  return paths;
}
