import { afterEach, describe, expect, it, vi } from 'vitest';
import { json } from '../support/driver';
import { gatewayClient, signedInUser, stubOrigin } from './support';

afterEach(() => {
  vi.restoreAllMocks();
});

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
