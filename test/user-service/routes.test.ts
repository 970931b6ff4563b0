import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';
import { signUpAndLogIn } from './steps';

describe('the User Service routes', () => {
  it('answers health in plain text under any version segment', async () => {
    const client = newClient();
    for (const version of ['v1', 'v2', 'v10']) {
      const response = await client.get(`/${version}/users/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('all good');
    }
  });

  it('answers OPTIONS on every route with "options allowed" and CORS headers', async () => {
    const client = newClient();
    for (const path of ['/v1/users/login', '/v3/users/attributes', '/v1/users/attribute', '/v1/users/health']) {
      const response = await client.request('OPTIONS', path, {
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe('options allowed');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBeTruthy();
      expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
      expect(response.headers.get('Access-Control-Allow-Headers')).toContain('Authorization');
    }
  });

  it('works the same under another version segment', async () => {
    const client = newClient();
    const { session } = await signUpAndLogIn(client);
    const response = await client.get('/v2/users/status', { token: session.accessToken });
    expect(response.status).toBe(200);
    expect((await json(response)).status).toBe('success');
  });

  it('answers an unknown route with 404 and a wrong method with 405, in its own error shape', async () => {
    const client = newClient();
    const missing = await client.get('/v1/users/nothing-here');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ error: expect.any(String) });
    const wrong = await client.put('/v1/users/login', { body: {} });
    expect(wrong.status).toBe(405);
    expect(await json(wrong)).toEqual({ error: expect.any(String) });
    expect(wrong.headers.get('Allow')).toContain('POST');
  });

  it('answers a body over the size limit with 413', async () => {
    const client = newClient();
    const response = await client.post('/v1/users/register', { body: { email: 'big@example.com', password: 'x'.repeat(70_000) } });
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ error: expect.any(String) });
  });
});
