import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../support/driver';
import { gatewayClient, ORIGIN, resetOrigin, signedInUser, stubOrigin } from './support';

afterEach(resetOrigin);

describe('forwarding through the gateway', () => {
  it('forwards the method, the raw path, the query and the body to the origin', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    const response = await client.post('/app/orders/%C3%A9t%C3%A9?page=2&sort=-date', {
      token: user.accessToken,
      raw: 'line one\nline two',
      headers: { 'content-type': 'text/plain', 'x-custom': 'kept' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('from the origin');
    expect(origin.calls).toHaveLength(1);
    const call = origin.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`${ORIGIN}/app/orders/%C3%A9t%C3%A9?page=2&sort=-date`);
    expect(call.body).toBe('line one\nline two');
    expect(call.headers.get('content-type')).toBe('text/plain');
    expect(call.headers.get('x-custom')).toBe('kept');
  });

  it('adds the verified identity and never passes on the caller token', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client, { role: 'moderator' });
    await client.get('/app/me', {
      token: user.accessToken,
      headers: { cookie: `theme=dark; gatehouse_token=${user.accessToken}; lang=en` },
    });
    const headers = origin.calls[0]!.headers;
    expect(headers.get('x-user-id')).toBe(user.id);
    expect(headers.get('x-user-email')).toBe(user.email);
    expect(headers.get('x-user-role')).toBe('moderator');
    expect(headers.get('x-ecosystem-id')).toBe('default');
    expect(headers.get('x-forwarded-host')).toBe('gatehouse.test');
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('cookie')).toBe('theme=dark; lang=en');
    expect(JSON.stringify([...headers])).not.toContain(user.accessToken);
  });

  it('signs an assertion the origin can verify through the JWKS, bound to the origin and short-lived', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    await client.get('/app/x', { token: user.accessToken });
    const assertion = origin.calls[0]!.headers.get('x-gatehouse-assertion')!;
    const jwks = createLocalJWKSet(await json(await client.get('/.well-known/jwks.json')));
    const { payload, protectedHeader } = await jwtVerify(assertion, jwks, {
      issuer: 'https://gatehouse.test',
      audience: ORIGIN,
      currentDate: new Date(client.clock.ms),
    });
    expect(protectedHeader.typ).toBe('gatehouse-assertion+jwt');
    expect(payload.sub).toBe(user.id);
    expect(payload).toMatchObject({ eco: 'default', role: 'user', email: user.email });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    expect(payload.iat! * 1000).toBeLessThanOrEqual(client.clock.ms);
  });

  it('reuses an assertion for warm requests and signs a new one before the old one runs short', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    await client.get('/app/1', { token: user.accessToken });
    await client.get('/app/2', { token: user.accessToken });
    client.clock.advance(239);
    await client.get('/app/3', { token: user.accessToken });
    client.clock.advance(2);
    await client.get('/app/4', { token: user.accessToken });
    const [first, second, third, fourth] = origin.calls.map((call) => call.headers.get('x-gatehouse-assertion'));
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(fourth).not.toBe(first);
  });

  it('gives back the origin status, headers and body unchanged, without following redirects', async () => {
    stubOrigin(
      () =>
        new Response('moved', {
          status: 302,
          headers: { location: 'https://elsewhere.test/', 'cache-control': 'public, max-age=60', 'x-origin': 'yes' },
        }),
    );
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    const response = await client.get('/app/old', { token: user.accessToken });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://elsewhere.test/');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('x-origin')).toBe('yes');
    expect(response.headers.get('x-content-type-options')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe('moved');
  });

  it('answers 502 in the management shape when the origin cannot be reached', async () => {
    stubOrigin(() => {
      throw new TypeError('connection refused');
    });
    const client = gatewayClient([{ prefix: '/app/' }]);
    const user = await signedInUser(client);
    const response = await client.get('/app/x', { token: user.accessToken });
    expect(response.status).toBe(502);
    expect(await json(response)).toMatchObject({
      error: { code: 'ORIGIN_UNREACHABLE', message: 'The origin could not be reached.' },
      requestId: expect.any(String),
    });
    expect(client.logs).toContainEqual(expect.objectContaining({ event: 'gateway_origin_unreachable' }));
  });

  it('leaves paths outside every prefix to the faces', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    expect((await client.get('/application/x')).status).toBe(404);
    expect((await client.get('/app')).status).toBe(404);
    expect((await client.get('/.well-known/jwks.json')).status).toBe(200);
    expect(origin.calls).toHaveLength(0);
  });
});

describe('CORS preflights through the gateway', () => {
  it('answers a preflight itself, with CORS_ORIGINS, and never forwards it', async () => {
    const { calls } = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }], { vars: { CORS_ORIGINS: 'https://app.example' } });
    const response = await client.request('OPTIONS', '/app/items', {
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-trace',
        'x-user-id': 'forged',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('content-type, x-trace');
    const other = await client.request('OPTIONS', '/app/items', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.status).toBe(204);
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('still needs a token for a plain OPTIONS request, with or without a body', async () => {
    const { calls } = stubOrigin();
    const client = gatewayClient([{ prefix: '/app/' }]);
    expect((await client.request('OPTIONS', '/app/items')).status).toBe(401);
    expect((await client.request('OPTIONS', '/app/items', { raw: 'payload' })).status).toBe(401);
    expect(calls).toHaveLength(0);
  });
});

describe('requests of any method need a token', () => {
  it('never forwards an unauthenticated request of any method, a preflight with a body included, to a protected route or an ungranted environment', async () => {
    const { calls } = stubOrigin();
    const routes = [
      { prefix: '/app/' },
      { prefix: '/admin-app/', require: { role: 'admin' } },
      { prefix: '/environments/:environmentId/', require: { environment: ':environmentId' } },
    ];
    const client = gatewayClient(routes);
    const user = await signedInUser(client);
    const preflight = { 'access-control-request-method': 'DELETE', 'content-type': 'application/json' };
    for (const path of ['/app/items', '/admin-app/items', '/environments/some-env/items']) {
      const response = await client.request('OPTIONS', path, { headers: preflight, raw: '{"drop":"everything"}' });
      expect(response.status, path).toBe(204);
    }
    for (const method of ['HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'PATCH', 'TRACE']) {
      for (const path of ['/app/x', '/admin-app/x', '/environments/some-env/x']) {
        const response = await client.request(method, path, { headers: { 'x-user-role': 'admin' } });
        expect(response.status, `${method} ${path}`).toBe(401);
      }
      const forbidden = await client.request(method, '/admin-app/x', { token: user.accessToken });
      expect(forbidden.status, `${method} /admin-app/x as a user`).toBe(403);
    }
    expect(calls).toHaveLength(0);
  });
});
