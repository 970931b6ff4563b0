// The routes of the faces whose requests are not yet on zod schemas (the User Service, OAuth): listed here with a summary, a tag and who may call, so /openapi.json names
// every route the app answers, and their error bodies. Whoever converts a face moves its routes
// to describeRoute() beside the handlers (as src/faces/droplit and src/faces/management do),
// moves its error schema into the face's schemas.ts, and deletes its entries here; the coverage test
// (test/openapi/document.test.ts) says when an entry here names a route that is gone.
import { z } from 'zod';
import { errorResponses, SECURITY, TAGS } from './describe';

/** `{"error": "<reason>"}` (src/faces/user-service/errors.ts). */
export const UserServiceError = z.object({
  error: z.string().meta({ example: 'Username or password is incorrect' }),
  requestId: z.string().optional(),
});

/** RFC 6749 section 5.2 (src/faces/oauth/errors.ts). */
export const OAuthError = z.object({
  error: z.string().meta({ example: 'invalid_grant' }),
  error_description: z.string(),
  requestId: z.string().optional(),
});

type Security = keyof typeof SECURITY;
type Entry = [method: string, path: string, summary: string, security: Security];

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

const OAUTH: Entry[] = [
  ['post', '/oauth/token', 'Tokens: grant_type password or refresh_token', 'none'],
  ['post', '/oauth/revoke', 'Revoke a refresh token (RFC 7009)', 'none'],
  ['post', '/oauth/introspect', 'Introspect a token (RFC 7662), as an ecosystem’s server', 'introspection'],
  ['get', '/oauth/userinfo', 'The bearer’s claims (OpenID Connect)', 'bearer'],
  ['post', '/oauth/userinfo', 'The bearer’s claims (OpenID Connect)', 'bearer'],
];

const FACES: [tag: string, errorSchema: string, entries: Entry[]][] = [
  [TAGS.userService, 'UserServiceError', USER_SERVICE],
  [TAGS.oauth, 'OAuthError', OAUTH],
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
