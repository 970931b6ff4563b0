import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

async function configurationError(routes: unknown): Promise<string> {
  const client = newClient({ vars: { GATEWAY_ROUTES: typeof routes === 'string' ? routes : JSON.stringify(routes) } });
  const response = await client.get('/.well-known/jwks.json');
  expect(response.status).toBe(500);
  const body = await json(response);
  expect(body.error.code).toBe('CONFIGURATION');
  expect(body.error.message).toMatch(/^Invalid configuration: GATEWAY_ROUTES /);
  return body.error.message;
}

const origin = 'https://origin.test';

describe('GATEWAY_ROUTES validation', () => {
  it('refuses prefixes that overlap the service own routes', async () => {
    for (const prefix of [
      '/api/',
      '/api/things/',
      '/v1/',
      '/v12/',
      '/admin/',
      '/oauth/',
      '/.well-known/',
      '/auth/',
      '/API/',
      '/:tenant/',
      '/signin/',
      '/account/',
      '/Reset-Password/',
      '/docs/',
    ]) {
      expect(await configurationError([{ prefix, origin }]), prefix).toContain("overlaps the service's own routes");
    }
    expect(await configurationError([{ prefix: '/', origin }])).toContain('every path');
  });

  it('refuses malformed prefixes, origins and requirements with a message naming the route', async () => {
    expect(await configurationError('not json')).toContain('must be a JSON array');
    expect(await configurationError({ prefix: '/app/', origin })).toContain('must be a JSON array');
    expect(await configurationError([{ prefix: 'app/', origin }])).toContain('route 0 needs a "prefix"');
    expect(await configurationError([{ prefix: '/app/%2e%2e/', origin }])).toContain('not a plain path segment');
    expect(await configurationError([{ prefix: '/app//x/', origin }])).toContain('route 0 has a prefix segment ""');
    expect(await configurationError([{ prefix: '/app/', origin: 'ftp://origin.test' }])).toContain('http(s) origin');
    expect(await configurationError([{ prefix: '/app/', origin: 'https://user:pw@origin.test' }])).toContain('credentials');
    expect(await configurationError([{ prefix: '/app/', origin, require: { rol: 'admin' } }])).toContain(
      'unknown "require" field(s) "rol"',
    );
    expect(await configurationError([{ prefix: '/app/', origin, auth: false }])).toContain('unknown route field(s) "auth"');
    expect(await configurationError([{ prefix: '/app/', origin, require: { permissionLevel: 3 } }])).toContain('permissionLevel');
    expect(await configurationError([{ prefix: '/env/', origin, require: { environment: ':environmentId' } }])).toContain('placeholder');
    expect(await configurationError([{ prefix: '/app/', origin, require: { public: true, role: 'admin' } }])).toContain('public');
    expect(await configurationError([{ prefix: '/app/', origin, ecosystem: 'a b' }])).toContain('ecosystem');
    expect(
      await configurationError([
        { prefix: '/app/', origin },
        { prefix: '/app/', origin },
      ]),
    ).toContain('route 1 repeats the prefix of route 0');
  });

  it('accepts the documented forms', async () => {
    const routes = [
      { prefix: '/app/', origin: 'https://app.example/base/' },
      { prefix: '/ops/', origin, require: { role: ['admin', 'moderator'] } },
      { prefix: '/mod/', origin, require: { permissionLevel: 1 }, strict: true },
      { prefix: '/environments/:environmentId/', origin, require: { environment: ':environmentId' } },
      { prefix: '/partners/', origin, ecosystem: '*' },
      { prefix: '/status/', origin, require: { public: true } },
    ];
    const client = newClient({ vars: { GATEWAY_ROUTES: JSON.stringify(routes) } });
    expect((await client.get('/.well-known/jwks.json')).status).toBe(200);
  });
});
