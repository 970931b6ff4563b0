// The routes of the faces whose requests are not yet on zod schemas (OAuth): listed here with a
// summary, a tag and who may call, so /openapi.json names every route the app answers, and their
// error bodies. Whoever converts a face moves its routes to describeRoute() beside the handlers
// (as src/faces/droplit, management, gatekeeper and user-service do), moves its error schema into
// the face's schemas.ts, and deletes its entries here; the coverage test
// (test/openapi/document.test.ts) says when an entry here names a route that is gone.
import { z } from 'zod';
import { errorResponses, SECURITY, TAGS } from './describe';

/** RFC 6749 section 5.2 (src/faces/oauth/errors.ts). */
export const OAuthError = z.object({
  error: z.string().meta({ example: 'invalid_grant' }),
  error_description: z.string(),
  requestId: z.string().optional(),
});

type Security = keyof typeof SECURITY;
type Entry = [method: string, path: string, summary: string, security: Security];

const OAUTH: Entry[] = [
  ['post', '/oauth/token', 'Tokens: grant_type password or refresh_token', 'none'],
  ['post', '/oauth/revoke', 'Revoke a refresh token (RFC 7009)', 'none'],
  ['post', '/oauth/introspect', 'Introspect a token (RFC 7662), as an ecosystem’s server', 'introspection'],
  ['get', '/oauth/userinfo', 'The bearer’s claims (OpenID Connect)', 'bearer'],
  ['post', '/oauth/userinfo', 'The bearer’s claims (OpenID Connect)', 'bearer'],
];

const FACES: [tag: string, errorSchema: string, entries: Entry[]][] = [
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
