// The operator's registered OAuth clients (/admin/v1/clients): a confidential client's secret is
// shown once and never again, redirect URIs are absolute https (or http on a loopback host)
// without a fragment, and the usual account-token rule and error body apply.
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

const CALLBACK = 'https://app.example/callback';

describe('/admin/v1/clients', () => {
  it('registers a public client without a secret and a confidential one with a secret shown once', async () => {
    const client = newClient();
    const publicResponse = await client.admin('POST', '/admin/v1/clients', {
      body: { name: 'SPA', redirectUris: [CALLBACK], public: true },
    });
    expect(publicResponse.status).toBe(201);
    const spa = await json(publicResponse);
    expect(spa).toMatchObject({
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'SPA',
      public: true,
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile', 'email'],
      allowPasswordGrant: false,
    });
    expect(spa).not.toHaveProperty('clientSecret');

    const confidential = await json(
      await client.admin('POST', '/admin/v1/clients', {
        body: {
          name: 'Web',
          redirectUris: [CALLBACK, 'http://127.0.0.1:8080/cb'],
          public: false,
          scopes: ['openid'],
          allowPasswordGrant: true,
        },
      }),
    );
    expect(confidential.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await client.admin('GET', `/admin/v1/clients/${confidential.clientId}`);
    expect(read.status).toBe(200);
    const text = await read.text();
    expect(text).not.toContain(confidential.clientSecret);
    expect(JSON.parse(text)).toMatchObject({ public: false, scopes: ['openid'], allowPasswordGrant: true });
    const list = await json(await client.admin('GET', '/admin/v1/clients'));
    expect(list.items.map((item: { clientId: string }) => item.clientId)).toEqual(
      expect.arrayContaining([spa.clientId, confidential.clientId]),
    );
    expect(JSON.stringify(list)).not.toContain(confidential.clientSecret);
  });

  it('refuses redirect URIs that are not absolute https (or loopback http), or carry a fragment', async () => {
    const client = newClient();
    for (const uri of [
      'http://app.example/cb',
      'https://app.example/cb#x',
      '/callback',
      'javascript:alert(1)',
      'https://user:pw@app.example/',
    ]) {
      const response = await client.admin('POST', '/admin/v1/clients', { body: { name: 'Bad', redirectUris: [uri], public: true } });
      expect(response.status, uri).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: 'INVALID_FIELD' } });
    }
    for (const body of [
      { name: 'x', redirectUris: [], public: true },
      { name: 'x', redirectUris: [CALLBACK] },
      { redirectUris: [CALLBACK], public: true },
    ]) {
      expect((await client.admin('POST', '/admin/v1/clients', { body })).status).toBe(400);
    }
    const scopes = await client.admin('POST', '/admin/v1/clients', {
      body: { name: 'x', redirectUris: [CALLBACK], public: true, scopes: ['admin'] },
    });
    expect(scopes.status).toBe(400);
  });

  it('changes and deletes a client; an unknown one is 404', async () => {
    const client = newClient();
    const { clientId } = await json(
      await client.admin('POST', '/admin/v1/clients', { body: { name: 'App', redirectUris: [CALLBACK], public: true } }),
    );
    const changed = await client.admin('PATCH', `/admin/v1/clients/${clientId}`, {
      body: { name: 'App 2', redirectUris: ['https://app.example/other'], postLogoutRedirectUris: ['https://app.example/bye'] },
    });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({
      name: 'App 2',
      redirectUris: ['https://app.example/other'],
      postLogoutRedirectUris: ['https://app.example/bye'],
    });
    expect((await client.admin('PATCH', `/admin/v1/clients/${clientId}`, { body: { public: false } })).status).toBe(400);
    expect((await client.admin('DELETE', `/admin/v1/clients/${clientId}`)).status).toBe(204);
    for (const [method, path] of [
      ['GET', clientId],
      ['DELETE', clientId],
      ['PATCH', clientId],
      ['GET', 'not-a-client'],
    ] as const) {
      const response = await client.admin(method, `/admin/v1/clients/${path}`, method === 'GET' ? {} : { body: {} });
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ error: { code: 'CLIENT_NOT_FOUND' } });
    }
  });

  it('answers 401 without the account token', async () => {
    const client = newClient();
    for (const [method, path] of [
      ['GET', ''],
      ['POST', ''],
      ['GET', '/x'],
      ['PATCH', '/x'],
      ['DELETE', '/x'],
    ] as const) {
      const response = await client.request(method, `/admin/v1/clients${path}`, method === 'GET' ? {} : { body: {} });
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
  });
});
