// GET /openapi.json and GET /docs. The document is generated from the app itself: hono-openapi
// walks `app.routes` and reads each route's describeRoute() and validate() middleware (the zod
// schemas that check the requests), so it cannot drift from the code; the tags and each face's error
// body come from the faces' records (src/faces/index.ts), passed in by the app. The docs page is Scalar's,
// its bundle served by this Worker at /docs/scalar.js (a text module that scripts/docs-assets.mjs
// copies from @scalar/api-reference), so nothing is loaded from a CDN and no static-asset router
// stands in front of every other request.
import { Scalar } from '@scalar/hono-api-reference';
import type { Context, Hono } from 'hono';
import { describeRoute, generateSpecs } from 'hono-openapi';
import { z } from 'zod';
import packageJson from '../../package.json';
import scalarBundle from '../../generated/scalar.txt';
import { randomToken } from '../crypto/random';
import { SESSION_COOKIE } from '../http/browser-cookies';
import type { Face } from '../http/face';
import type { AppEnv } from '../http/types';
import { operation, SECURITY, TAGS } from './describe';

const SECURITY_SCHEMES = {
  accountToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The deployment’s ACCOUNT_TOKEN (the operator’s key), as `Bearer <token>` or raw.',
  },
  serverToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'An ecosystem’s server token (`gst_...`, POST /admin/v1/ecosystems/{id}/server-tokens).',
  },
  droplitRawToken: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'The account token or a server token sent raw, without `Bearer`, as droplit’s clients do.',
  },
  bearerAccessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user’s access token (JWT).' },
  introspectionBasic: { type: 'http', scheme: 'basic', description: 'RFC 7662 introspection: a server token as the client secret.' },
  browserSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The hosted pages’ browser session, set by POST /signin (HttpOnly, Secure, SameSite=Lax); a page without it sends the browser to /signin.',
  },
};

function componentSchema(schema: z.ZodType) {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema) as Record<string, unknown>;
  return json;
}

/** The faces' tags, in their records' order. */
export function tagsOf(faces: readonly Face[]) {
  return faces.flatMap((face) => face.tags);
}

/** Each face's one error body, by the name its error responses point at. */
export function errorSchemasOf(faces: readonly Face[]): Record<string, unknown> {
  return Object.fromEntries(
    faces.flatMap((face) => (face.errorBody ? [[face.errorBody.name, componentSchema(face.errorBody.schema)]] : [])),
  );
}

async function buildDocument(app: Hono<AppEnv>, faces: readonly Face[], c: Context<AppEnv>) {
  const spec = await generateSpecs(
    app,
    {
      documentation: {
        info: {
          title: 'Gatehouse',
          version: packageJson.version,
          description: 'Edge-native user and token service. Each face keeps the dialect of the system it replaces, errors included.',
        },
        // Generated clients and redocly need a base URL: this deployment's (ISSUER, else the request's origin).
        servers: [{ url: c.env.deps.issuer, description: 'This deployment' }],
        tags: tagsOf(faces),
        components: {
          securitySchemes: SECURITY_SCHEMES as never,
          schemas: errorSchemasOf(faces) as never,
        },
      },
      excludeStaticFile: false,
      defaultValidationErrorResponse: false,
    },
    c,
  );
  return spec;
}

/** GET /openapi.json: built once per isolate (the routes do not change while it lives). */
export function openApiDocument(app: Hono<AppEnv>, faces: readonly Face[]) {
  let document: Promise<unknown> | undefined;
  return [
    describeRoute(operation(TAGS.edge, 'This OpenAPI 3.1 document', SECURITY.none, { 200: { description: 'The document' } })),
    async (c: Context<AppEnv>) => {
      document ??= buildDocument(app, faces, c).catch((error: unknown) => {
        document = undefined;
        throw error;
      });
      return c.json(await document, 200, { 'Cache-Control': 'public, max-age=300' });
    },
  ] as const;
}

/** Where the Scalar bundle is served from (by the route below). */
export const SCALAR_BUNDLE_PATH = '/docs/scalar.js';

/** GET /docs/scalar.js: the bundle, cacheable for a day (its version changes only with a deploy). */
export const docsBundle = [
  describeRoute(operation(TAGS.edge, 'The /docs page’s script (Scalar’s bundle)', SECURITY.none, { 200: { description: 'JavaScript' } })),
  (c: Context<AppEnv>) =>
    c.body(scalarBundle, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }),
] as const;

/** GET /docs: Scalar's reference page for /openapi.json, with a CSP that allows only this host. */
export const docsPage = [
  describeRoute(operation(TAGS.edge, 'The interactive API reference (HTML)', SECURITY.none, { 200: { description: 'An HTML page' } })),
  async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const nonce = randomToken(16);
    const render = Scalar({
      url: '/openapi.json',
      cdn: SCALAR_BUNDLE_PATH,
      nonce,
      pageTitle: 'Gatehouse API',
      // Nothing that calls Scalar's servers (the CSP would refuse it anyway): no fonts, telemetry,
      // AI agent (its API registry) or developer toolbar.
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
    } as Parameters<typeof Scalar>[0]);
    const response = (await render(c as never, next)) as Response;
    response.headers.set(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `script-src 'self' 'nonce-${nonce}'`,
        // The bundle injects its stylesheet and sets style attributes at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        // The document, and "Try it" requests to this same host.
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    return response;
  },
] as const;
