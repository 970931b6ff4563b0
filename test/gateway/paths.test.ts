import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../support/driver';
import { appUser, droplitToken, ecosystemWithEnvironments, gatewayClient, resetOrigin, signedInUser, stubOrigin } from './support';

afterEach(resetOrigin);

const ROUTES = [
  { prefix: '/app/', origin: 'https://app.test' },
  { prefix: '/internal/', origin: 'https://internal.test', require: { role: 'admin' } },
];

async function setUp() {
  const origin = stubOrigin();
  const client = gatewayClient(ROUTES);
  const user = await signedInUser(client);
  return { origin, client, token: user.accessToken };
}

describe('paths that try to escape their prefix', () => {
  it('refuses encoded slashes, backslashes and dot-segments under a prefix with 400', async () => {
    const { origin, client, token } = await setUp();
    const escapes = [
      '/app/..%2Finternal/x',
      '/app/%2e%2e%2finternal/x',
      '/app/%2E%2E%2Finternal',
      '/app/%2F%2Finternal.test/x',
      '/app/%5C..%5Cinternal/x',
      '/app/..%5cinternal',
      '/app/%zz/x',
      '/app/x%00y',
    ];
    for (const path of escapes) {
      const response = await client.get(path, { token });
      expect(response.status, path).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: 'INVALID_FIELD', message: expect.stringContaining('path') } });
    }
    expect(origin.calls).toHaveLength(0);
  });

  it('resolves literal and encoded dot-segments before matching, so the real prefix decides', async () => {
    const { origin, client, token } = await setUp();
    for (const path of ['/app/../internal/x', '/app/%2e%2e/internal/x', '/app/.%2E/internal/x', '/app/a/%2e/../../internal/x']) {
      const response = await client.get(path, { token });
      expect(response.status, path).toBe(403);
    }
    expect(origin.calls).toHaveLength(0);
  });

  it('does not treat an encoded slash in the first segment as the prefix', async () => {
    const { origin, client, token } = await setUp();
    expect((await client.get('/app%2F..%2Finternal/x', { token })).status).toBe(404);
    expect((await client.get('/app%2Fx', { token })).status).toBe(404);
    expect(origin.calls).toHaveLength(0);
  });

  it('forwards a path with ordinary escapes unchanged, and matches a prefix given in escapes', async () => {
    const { origin, client, token } = await setUp();
    expect((await client.get('/app/a%20b/%E2%9C%93?x=%2F', { token })).status).toBe(200);
    expect((await client.get('/%61pp/y', { token })).status).toBe(200);
    expect((await client.get('/%69nternal/y', { token })).status).toBe(403);
    expect(origin.calls.map((call) => call.url)).toEqual(['https://app.test/app/a%20b/%E2%9C%93?x=%2F', 'https://app.test/%61pp/y']);
  });
});

describe('paths that a server behind the gateway would resolve out of their prefix', () => {
  const WALK_ROUTES = [
    { prefix: '/app/' },
    { prefix: '/admin-app/', require: { role: 'admin' } },
    { prefix: '/environments/:environmentId/', require: { environment: ':environmentId' } },
  ];

  async function expectBadPath(response: Response, path: string): Promise<void> {
    expect(response.status, path).toBe(400);
    expect(await json(response), path).toMatchObject({ error: { code: 'INVALID_FIELD', message: expect.stringContaining('path') } });
  }

  it('refuses dot-segments with ";" parameters, as Tomcat, Jetty and Spring resolve them', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(WALK_ROUTES);
    const { accessToken } = await signedInUser(client);
    for (const path of [
      '/app/..;/admin-app/x',
      '/app/.;/x',
      '/app/..;foo=1/admin-app/x',
      '/app/x/..;/..;/admin-app/',
      '/app/%2e%2e;/admin-app/x',
      '/app/.%2e;x/admin-app',
    ]) {
      await expectBadPath(await client.get(path, { token: accessToken }), path);
    }
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses "..;" out of a granted environment into one not granted', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(WALK_ROUTES);
    const ecosystem = await ecosystemWithEnvironments(client);
    const [granted, other] = ecosystem.environments;
    const token = await droplitToken(client, await appUser(client, ecosystem.id, [granted]), 'Infinite');
    expect((await client.get(`/environments/${granted}/items`, { token })).status).toBe(200);
    for (const path of [`/environments/${granted}/..;/${other}/items`, `/environments/${granted}/%252e%252e/${other}/items`]) {
      await expectBadPath(await client.get(path, { token }), path);
    }
    expect(origin.calls).toHaveLength(1);
  });

  it('refuses double-encoded dots, slashes and backslashes, and still forwards ordinary dots, semicolons and escapes', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(WALK_ROUTES);
    const { accessToken } = await signedInUser(client);
    const paths = [
      '/app/%252e%252e/admin-app/x',
      '/app/%252E./admin-app',
      '/app/%252e/x',
      '/app/..%252fadmin-app/x',
      '/app/a%252Fb',
      '/app/a%255cb',
      '/app/a%2fb',
      '/app/a%5Cb',
      '/app/%252e%252e%253b/x',
    ];
    for (const path of paths) await expectBadPath(await client.get(path, { token: accessToken }), path);
    expect(origin.calls).toHaveLength(0);
    for (const path of ['/app/file.json', '/app/a;b=1/c', '/app/...', '/app/.well-known/x', '/app/%25/x', '/app/caf%C3%A9']) {
      expect((await client.get(path, { token: accessToken })).status, path).toBe(200);
    }
    expect(origin.calls).toHaveLength(6);
  });

  it('refuses non-ASCII dots and slashes, raw or encoded', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(WALK_ROUTES);
    const { accessToken } = await signedInUser(client);
    const paths = [
      '/app/．．/admin-app/x',
      '/app/%EF%BC%8E%EF%BC%8E/admin-app/x',
      '/app/\u2024\u2024/admin-app',
      '/app/\uFE52./x',
      '/app/a\u3002b',
      '/app/a\uFF0Fb',
      '/app/%25EF%25BC%258E%25EF%25BC%258E/x',
      '/app/file\uFF0Ejson',
    ];
    for (const path of paths) await expectBadPath(await client.get(path, { token: accessToken }), path);
    expect(origin.calls).toHaveLength(0);
  });
});

describe('nested prefixes read leniently by the origin', () => {
  const NESTED = [
    { prefix: '/site/', origin: 'https://site.test' },
    { prefix: '/site/admin/', origin: 'https://site.test', require: { role: 'admin' } },
  ];

  it('refuses a path a more specific route would hold once ";" parameters, "//" and case are read loosely', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(NESTED);
    const { accessToken: token } = await signedInUser(client);
    for (const path of ['/site/admin;x/secret', '/site//admin/secret', '/site/ADMIN/secret', '/site/Admin;jsessionid=1//secret']) {
      const response = await client.get(path, { token });
      expect(response.status, path).toBe(400);
    }
    expect(origin.calls).toHaveLength(0);
    // Ordinary semicolons, doubled slashes and capitals elsewhere still pass to the plain route.
    for (const path of ['/site/page;v=2', '/site/a//b', '/site/About']) {
      expect((await client.get(path, { token })).status, path).toBe(200);
    }
    expect((await client.get('/site/admin/secret', { token })).status).toBe(403);
  });
});
