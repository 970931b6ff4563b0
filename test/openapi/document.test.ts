// /openapi.json against the app it describes: a valid OpenAPI 3.1 document (Scalar's parser, which
// runs here in workerd), every route the app registers documented and every documented route
// registered (from Hono's own route list), and each face's real error body matching the error
// schema the document gives for it. /docs: Scalar's page, its bundle from this host only.
import { validate } from '@scalar/openapi-parser';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { json, newClient, type Client } from '../support/driver';
import { newEcosystem, raw } from '../droplit/support';

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, unknown> };
  servers?: { url: string; description?: string }[];
};

async function documentOf(client: Client): Promise<Document> {
  const response = await client.get('/openapi.json');
  expect(response.status).toBe(200);
  return json(response);
}

/** Hono's path syntax to OpenAPI's: `/:version{v[0-9]+}/users` → `/{version}/users`. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
}

/**
 * Every route the app answers, as `METHOD /path`: not the middleware (`ALL /*`), not OPTIONS (CORS
 * preflights and the User Service's "options allowed", answered for every route). The Gatekeeper's
 * trailing slash is not a route of its own: app.ts strips it before routing.
 */
function registeredRoutes(): Set<string> {
  const routes = buildApp().routes.filter((route) => route.method !== 'ALL' && route.method !== 'OPTIONS');
  return new Set(routes.map((route) => `${route.method} ${openApiPath(route.path)}`));
}

function documentedRoutes(document: Document): Set<string> {
  return new Set(
    Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)),
  );
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await documentOf(newClient());
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(document as never);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the app registers, and no route it does not', async () => {
    const documented = documentedRoutes(await documentOf(newClient()));
    const registered = registeredRoutes();
    const undocumented = [...registered].filter((route) => !documented.has(route));
    const phantom = [...documented].filter((route) => !registered.has(route));
    expect(undocumented).toEqual([]);
    expect(phantom).toEqual([]);
    expect(documented.size).toBeGreaterThan(50);
  });

  it('gives every operation a tag of its face, a summary and its security', async () => {
    const document = await documentOf(newClient());
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.tags, `${method} ${path}`).toHaveLength(1);
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        expect(operation, `${method} ${path}`).toHaveProperty('security');
      }
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(
      ['accountToken', 'bearerAccessToken', 'browserSession', 'droplitRawToken', 'introspectionBasic', 'serverToken'].sort(),
    );
  });

  it('names this deployment as its server, and marks the body of the bearer-only login as not required', async () => {
    const document = await documentOf(newClient());
    expect(document.servers).toEqual([{ url: 'https://gatehouse.test', description: 'This deployment' }]);
    const login = document.paths['/{version}/users/login']!.post as Record<string, any>;
    expect(login.requestBody.required).toBe(false);
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    const register = document.paths['/{version}/users/register']!.post as Record<string, any>;
    expect(register.requestBody.required).toBe(true);
  });

  it('documents the converted routes’ requests and answers from their schemas', async () => {
    const document = await documentOf(newClient());
    const put = document.paths['/api/users/{user}']!.put as Record<string, any>;
    expect(put.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`).sort()).toEqual(
      ['path user', 'query expiryType', 'query generateToken', 'query ttl'].sort(),
    );
    expect(put.requestBody.content['application/json'].schema.properties).toHaveProperty('access');
    expect(put.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DroplitError' });
    const create = document.paths['/admin/v1/users']!.post as Record<string, any>;
    expect(create.requestBody.required).toBe(false);
    const body = create.requestBody.content['application/json'];
    expect(JSON.stringify(body.schema.properties.role)).toContain('"enum":["admin"');
    expect(body.example).toMatchObject({ email: 'ada@example.com' });
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AdminUser' });
    expect(document.components.schemas.AdminUser).toMatchObject({ properties: { permissionLevel: { type: 'integer' } } });
  });

  it('documents the OAuth routes: form bodies, one schema per grant, RFC 6749 errors', async () => {
    const document = await documentOf(newClient());
    const token = document.paths['/oauth/token']!.post as Record<string, any>;
    expect(Object.keys(token.requestBody.content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
    expect(token.requestBody.content['application/x-www-form-urlencoded'].schema).toEqual({
      $ref: '#/components/schemas/OAuthTokenRequest',
    });
    const grants = (document.components.schemas.OAuthTokenRequest as { oneOf: { $ref: string }[] }).oneOf.map((option) => option.$ref);
    expect(grants).toEqual([
      '#/components/schemas/OAuthAuthorizationCodeGrant',
      '#/components/schemas/OAuthPasswordGrant',
      '#/components/schemas/OAuthRefreshTokenGrant',
      '#/components/schemas/OAuthClientCredentialsGrant',
      '#/components/schemas/OAuthDeviceCodeGrant',
    ]);
    expect(document.components.schemas.OAuthPasswordGrant).toMatchObject({ required: ['grant_type', 'username', 'password'] });
    expect(document.components.schemas.OAuthClientCredentialsGrant).toMatchObject({ required: ['grant_type'] });
    // RFC 6749 4.4.3: the client credentials grant answers no refresh token, so the answer's is optional.
    expect((document.components.schemas.OAuthTokens as { required: string[] }).required).not.toContain('refresh_token');
    expect(token.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OAuthTokens' });
    expect(token.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OAuthError' });
    const introspect = document.paths['/oauth/introspect']!.post as Record<string, any>;
    expect(introspect.security).toEqual([{ introspectionBasic: [] }]);
    expect(introspect.requestBody.content['application/x-www-form-urlencoded'].schema).toEqual({
      $ref: '#/components/schemas/OAuthTokenBody',
    });
    const userinfo = document.paths['/oauth/userinfo']!.get as Record<string, any>;
    expect(userinfo.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`)).toEqual(['query ecosystem']);
  });

  it('documents /oauth/authorize’s PKCE method as S256 only, and the clients POST answering the Client schema', async () => {
    const document = await documentOf(newClient());
    const authorize = document.paths['/oauth/authorize']!.get as Record<string, any>;
    const method = authorize.parameters.find((p: { in: string; name: string }) => p.in === 'query' && p.name === 'code_challenge_method');
    expect(method).toMatchObject({ required: true, schema: { enum: ['S256'] } });
    expect(authorize.responses['302'].headers).toHaveProperty('Location');
    expect(Object.keys(authorize.responses['400'].content)).toEqual(['text/html']);
    const create = document.paths['/admin/v1/clients']!.post as Record<string, any>;
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Client' });
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['public', 'name', 'redirectUris']);
    expect(document.components.schemas.Client).toMatchObject({ properties: { clientSecret: { type: 'string' } } });
    expect((document.components.schemas.Client as { required: string[] }).required).not.toContain('clientSecret');
  });

  it('documents the hosted pages: form bodies, HTML answers, 303 redirects, the session cookie', async () => {
    const document = await documentOf(newClient());
    const pages = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.tags?.includes('Hosted pages'))
        .map(([method, operation]) => [`${method} ${path}`, operation] as const),
    );
    expect(pages.map(([route]) => route).sort()).toEqual(
      [
        'get /signin',
        'post /signin',
        'get /signup',
        'post /signup',
        'get /forgot-password',
        'post /forgot-password',
        'get /reset-password',
        'post /reset-password',
        'get /confirm-email',
        'get /account',
        'post /account/sessions/sign-out',
        'post /account/sessions/sign-out-others',
        'post /signin/code',
        'post /account/mfa/totp',
        'post /account/mfa/totp/confirm',
        'post /account/mfa/recovery-codes',
        'post /account/mfa/off',
        'get /signout',
        'post /signout',
        'get /signin/with/{providerId}',
        'get /signin/callback/{providerId}',
        'post /account/identities/unlink',
        'post /account/identities/link',
        'post /signin/enrol',
        'post /signin/passkey/options',
        'post /signin/passkey',
        'post /account/passkeys/options',
        'post /account/passkeys',
        'post /account/passkeys/remove',
        'post /account/password',
        'post /account/email',
        'get /device',
        'post /device',
        'post /device/decide',
      ].sort(),
    );
    for (const [route, operation] of pages as [string, Record<string, any>][]) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        // 302: the upstream sign-in's start, to the identity provider.
        if (status === '303' || status === '302') expect(response.headers, `${route} ${status}`).toHaveProperty('Location');
        // The passkey options: JSON for the page's script.
        else if (route.endsWith('/options') && status === '200') expect(Object.keys(response.content), route).toEqual(['application/json']);
        else expect(Object.keys(response.content), `${route} ${status}`).toEqual(['text/html']);
      }
      if (route.startsWith('post')) {
        expect(Object.keys(operation.requestBody.content), route).toEqual(['application/x-www-form-urlencoded']);
        expect(operation.requestBody.content['application/x-www-form-urlencoded'].schema.required, route).toContain('csrf');
        expect(operation.parameters, route).toContainEqual(expect.objectContaining({ in: 'cookie', name: '__Host-gatehouse-csrf' }));
      }
    }
    const signIn = document.paths['/signin']!.post as Record<string, any>;
    expect(Object.keys(signIn.requestBody.content['application/x-www-form-urlencoded'].schema.properties)).toEqual([
      'csrf',
      'return',
      'login',
      'password',
    ]);
    expect(signIn.responses['303'].headers).toHaveProperty('Set-Cookie');
    expect(signIn.security).toEqual([]);
    expect(document.paths['/account']!.get!).toMatchObject({ security: [{ browserSession: [] }] });
    expect(document.components.securitySchemes.browserSession).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-gatehouse-session',
    });
  });

  it('documents the Gatekeeper’s and the User Service’s requests and answers from their schemas', async () => {
    const document = await documentOf(newClient());
    const register = document.paths['/api/v2/users']!.post as Record<string, any>;
    const account = register.requestBody.content['application/json'].schema;
    expect(account.required).toEqual(expect.arrayContaining(['username', 'password', 'email', 'user_type']));
    expect(account.properties.user_type.enum).toEqual(['developer', 'customer', 'admin']);
    expect(register.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GatekeeperUser' });
    expect(register.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GatekeeperError' });
    const list = document.paths['/api/v2/users']!.get as Record<string, any>;
    expect(list.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`).sort()).toEqual(['query limit', 'query offset']);
    const login = document.paths['/api/v2/sessions']!.post as Record<string, any>;
    expect(login.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GatekeeperSession' });

    // Both the original's layouts, JSON or form bodies, and fields that may come from the query instead.
    for (const path of ['/{version}/users/login', '/{version}/users/current/login']) {
      const usLogin = document.paths[path]!.post as Record<string, any>;
      expect(Object.keys(usLogin.requestBody.content).sort(), path).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      expect(usLogin.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
      expect(usLogin.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ServiceLoginAnswer' });
      expect(usLogin.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UserServiceError' });
    }
    const reset = document.paths['/{version}/users/resetPassword']!.post as Record<string, any>;
    expect(reset.requestBody.required).toBe(false);
    expect(reset.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`).sort()).toEqual([
      'path version',
      'query code',
      'query password',
    ]);
    expect(document.components.schemas.ServiceUser).toMatchObject({ properties: { permissionLevel: { type: 'integer' } } });
  });

  it('describes each face’s error body as the face sends it', async () => {
    const client = newClient();
    const document = await documentOf(client);
    const eco = await newEcosystem(client);
    const ajv = new Ajv({ strict: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const cases: [string, string, Promise<Response>][] = [
      ['DroplitError', '/api/users', client.get('/api/users', raw(eco.serverToken))],
      ['ManagementError', '/admin/v1/ecosystems', client.admin('POST', '/admin/v1/ecosystems', { body: { name: 5 } })],
      ['GatekeeperError', '/api/v2/sessions', client.post('/api/v2/sessions', { body: {} })],
      [
        'UserServiceError',
        '/{version}/users/login',
        client.post('/v1/users/login', { body: { email: 'nobody@example.com', password: 'wrong' } }),
      ],
      ['OAuthError', '/oauth/token', client.post('/oauth/token', { form: { grant_type: 'magic' } })],
    ];
    for (const [name, path, pending] of cases) {
      const response = await pending;
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      const body = await json(response);
      const documented = Object.values(document.paths[path]!).some((operation) =>
        Object.values(operation.responses ?? {}).some((r) => JSON.stringify(r).includes(`#/components/schemas/${name}`)),
      );
      expect(documented, `${path} points at ${name}`).toBe(true);
      const check = ajv.getSchema(`#/components/schemas/${name}`)!;
      expect(check(body), `${name}: ${JSON.stringify(body)} ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });
});

describe('/docs', () => {
  it('serves Scalar’s reference page for /openapi.json, its script from this host under a strict CSP', async () => {
    const response = await newClient().get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('src="/docs/scalar.js"');
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/https?:\/\/(cdn|fonts)\./);
    const csp = response.headers.get('content-security-policy')!;
    const nonce = /nonce="([^"]+)"/.exec(html)![1];
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('serves the Scalar bundle itself, at /docs/scalar.js', async () => {
    const response = await newClient().get('/docs/scalar.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    expect((await response.text()).length).toBeGreaterThan(1_000_000);
  });
});
