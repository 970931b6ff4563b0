import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { json, newClient } from '../support/driver';

const failingDb = (env: Env): Env => ({
  ...env,
  DB: new Proxy(env.DB, {
    get: (target, property) =>
      property === 'prepare'
        ? () => {
            throw new Error('disk on fire: secret detail');
          }
        : Reflect.get(target, property),
  }),
});

describe('shared HTTP rules', () => {
  it('puts a request id, nosniff and no-store on every response', async () => {
    const client = newClient();
    for (const response of [await client.admin('GET', '/admin/v1/ecosystems'), await client.get('/nowhere')]) {
      expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('Cache-Control')).toBe('no-store');
    }
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await newClient().get('/no/such/route');
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('answers a known route with a wrong method with 405 and Allow', async () => {
    const response = await newClient().request('PUT', '/.well-known/jwks.json');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toContain('GET');
  });

  it('refuses malformed JSON, a body that is not an object, and wrong field types with 400', async () => {
    const client = newClient();
    const malformed = await client.admin('POST', '/admin/v1/ecosystems', {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe('INVALID_JSON');
    const array = await client.admin('POST', '/admin/v1/ecosystems', { body: ['x'] });
    expect(array.status).toBe(400);
    const wrongType = await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 42 } });
    expect(wrongType.status).toBe(400);
    expect(await json(wrongType)).toMatchObject({ error: { code: 'INVALID_FIELD', message: 'name must be a string.' } });
  });

  it('refuses an oversized body with 413 before the handler runs', async () => {
    const client = newClient();
    const response = await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'x'.repeat(70_000) } });
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('BODY_TOO_LARGE');
    const listed = await json(await client.admin('GET', '/admin/v1/ecosystems'));
    expect(listed.items.some((item: { name: string }) => item.name.length > 1000)).toBe(false);
  });

  it('answers an unexpected failure with a generic 500 carrying the request id and nothing else', async () => {
    const client = newClient({ wrapEnv: failingDb });
    const response = await client.admin('GET', '/admin/v1/ecosystems');
    expect(response.status).toBe(500);
    const body = await json(response);
    expect(body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error.' }, requestId: response.headers.get('X-Request-Id') });
    expect(JSON.stringify(body)).not.toContain('disk on fire');
    expect(client.logs.some((line) => line.event === 'unhandled_error' && line.fields?.requestId === body.requestId)).toBe(true);
  });

  it("gives the request id, and only that, in every face's 500", async () => {
    const client = newClient({ wrapEnv: failingDb });
    const attempts = [
      client.post('/api/v2/sessions', { body: { username: 'someone', password: 'a password here' } }),
      client.post('/oauth/token', { form: { grant_type: 'password', username: 'someone', password: 'a password here' } }),
      client.post('/v1/users/login', { body: { email: 'someone@example.com', password: 'a password here' } }),
      client.get('/api/users/default;someone', { headers: { authorization: client.accountToken } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain(response.headers.get('X-Request-Id')!);
      expect(text).not.toContain('disk on fire');
    }
  });

  it('names the variable when the configuration is bad', async () => {
    const response = await newClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: 'an hour' } }).get('/.well-known/jwks.json');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });

  it('names SIGNING_KEYS without showing it when the key set is broken', async () => {
    const response = await newClient({ vars: { SIGNING_KEYS: '{"keys": [{"kid": "x", "alg": "RS256"}]}' } }).get('/.well-known/jwks.json');
    expect(response.status).toBe(500);
    const message = (await json(response)).error.message;
    expect(message).toContain('SIGNING_KEYS');
    expect(message).not.toContain('{"keys"');
  });

  it('answers a CORS preflight', async () => {
    const response = await newClient().request('OPTIONS', '/oauth/token', {
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
  });
});

describe('CORS on answers made before any route', () => {
  it('puts CORS headers on a 413', async () => {
    const response = await newClient().admin('POST', '/admin/v1/ecosystems', {
      body: { name: 'x'.repeat(70_000) },
      headers: { origin: 'https://app.example' },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});
