// Builds the Hono app: shared middleware, the gateway, the faces, and the one onError that
// renders any error in the dialect of the face the path belongs to (by the faces' records).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { getPath } from 'hono/utils/url';
import { ConfigError } from './config';
import { AppError } from './core/errors';
import { FACES } from './faces';
import { consoleRoutes } from './faces/console';
import { droplitFace } from './faces/droplit';
import { gatekeeperFace, gatekeeperRoot } from './faces/gatekeeper';
import { managementFace } from './faces/management';
import { oauthFace } from './faces/oauth';
import { pagesFace } from './faces/pages';
import { userServiceFace } from './faces/user-service';
import { gateway } from './gateway';
import { cors } from './http/cors';
import type { ErrorRenderer } from './http/errors';
import { faceOf, servesBrowser } from './http/face';
import { requestContext } from './http/request-context';
import type { AppEnv } from './http/types';
import { docsBundle, docsPage, openApiDocument, SCALAR_BUNDLE_PATH } from './openapi/document';
import { renderPageError } from './web/errors';

/**
 * The dialect of the face the path belongs to; a page for a route a person's browser is on (a face
 * that is all pages renders its own, as the console does).
 */
function rendererFor(path: string): ErrorRenderer {
  const face = faceOf(FACES, path);
  if (face.browser === true) return face.renderError;
  return servesBrowser(face, path) ? renderPageError : face.renderError;
}

/**
 * What of an unexpected error may be logged: its name, message and stack frames, without the
 * bound values drizzle appends to a failed query's message (they may hold hashes or e-mails).
 */
function describeError(error: unknown): Record<string, string | undefined> {
  const err = error instanceof Error ? error : new Error(String(error));
  const clean = (message: string) => message.split('\nparams:')[0];
  const cause = err.cause instanceof Error ? clean(err.cause.message) : undefined;
  const frames = err.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
    .join('\n');
  return { name: err.name, message: clean(err.message), cause, stack: frames };
}

function renderError(c: Context<AppEnv>, error: unknown): Response | Promise<Response> {
  let appError: AppError;
  if (error instanceof ConfigError) {
    // The operator's mistake, found only when a feature needs the variable: said as at startup.
    c.env.deps.log.error('configuration_error', { message: error.message });
    return c.json({ error: { code: 'CONFIGURATION', message: error.message }, requestId: c.get('requestId') }, 500);
  }
  if (error instanceof AppError) {
    appError = error;
  } else {
    c.env.deps.log.error('unhandled_error', { requestId: c.get('requestId'), ...describeError(error) });
    appError = new AppError('INTERNAL');
  }
  return rendererFor(c.req.path)(c, appError);
}

/**
 * The path routes see: the Gatekeeper's routes were `'/?'` in the original and its clients send
 * the trailing slash (`/api/v2/sessions/`), so one trailing slash is dropped under `/api/v2/` and
 * from the Gatekeeper root `/api/`. Every other face stays strict.
 */
function routingPath(request: Request): string {
  const path = getPath(request);
  return /^\/api(\/v2\/.+)?\/$/.test(path) ? path.slice(0, -1) : path;
}

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ getPath: routingPath });
  app.use('*', requestContext);
  // CORS first, so answers made by the later middleware (413, 401 from the gateway) carry it too.
  app.use('*', cors);
  app.use('*', gateway);
  app.use('*', async function limitBody(c, next) {
    const limit = bodyLimit({
      maxSize: c.env.deps.config.bodyLimitBytes,
      onError: () => {
        throw new AppError('BODY_TOO_LARGE');
      },
    });
    return limit(c, next);
  });
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: async (c, methods) => {
        const response = await renderError(c as Context<AppEnv>, new AppError('METHOD_NOT_ALLOWED'));
        response.headers.set('Allow', methods.join(', '));
        return response;
      },
    }),
  );
  app.route('/', managementFace);
  app.route('/oauth', oauthFace);
  app.route('/', pagesFace);
  app.route('/', consoleRoutes);
  app.route('/api/v2', gatekeeperFace);
  app.get('/api', ...gatekeeperRoot);
  app.route('/api', droplitFace);
  app.route('/', userServiceFace);
  // The document describes the app it is part of (every route above, from their schemas).
  app.get('/openapi.json', ...openApiDocument(app, FACES));
  app.get('/docs', ...docsPage);
  app.get(SCALAR_BUNDLE_PATH, ...docsBundle);
  app.notFound((c) => renderError(c, new AppError('ROUTE_NOT_FOUND')));
  app.onError((error, c) => renderError(c, error));
  return app;
}
