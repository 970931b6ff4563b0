// The operator's identity providers (/admin/v1/identity-providers): every answer carries the
// redirect URI to register upstream and never the client secret, which D1 holds only sealed; an
// http issuer is refused unless it is on loopback; the usual account-token rule and error body apply.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

const uniqueId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe('/admin/v1/identity-providers', () => {
  it('configures a provider, answers its redirect URI and never its secret, and keeps the secret sealed in D1', async () => {
    const client = newClient();
    const id = uniqueId('corp');
    const created = await client.admin('POST', '/admin/v1/identity-providers', {
      body: {
        id,
        name: 'Corp SSO',
        kind: 'oidc',
        clientId: 'gh-app',
        clientSecret: 'upstream-secret-value',
        issuer: 'https://sso.corp.example',
      },
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body).toMatchObject({
      id,
      name: 'Corp SSO',
      kind: 'oidc',
      clientId: 'gh-app',
      issuer: 'https://sso.corp.example',
      scopes: ['openid', 'email', 'profile'],
      ecosystemId: 'default',
      linkByVerifiedEmail: false,
      defaultEnvironments: [],
      redirectUri: `https://gatehouse.test/signin/callback/${id}`,
    });
    expect(JSON.stringify(body)).not.toContain('upstream-secret-value');
    expect(body).not.toHaveProperty('clientSecret');

    const stored = await (env as unknown as { DB: D1Database }).DB.prepare('SELECT * FROM identity_providers WHERE id = ?')
      .bind(id)
      .first();
    expect(JSON.stringify(stored)).not.toContain('upstream-secret-value');
    expect(String(stored?.client_secret_sealed)).toMatch(/^v1\./);

    const one = await json(await client.admin('GET', `/admin/v1/identity-providers/${id}`));
    expect(one).toEqual(body);
    const list = await json(await client.admin('GET', '/admin/v1/identity-providers'));
    expect(list.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(JSON.stringify(list)).not.toContain('upstream-secret-value');

    const patched = await client.admin('PATCH', `/admin/v1/identity-providers/${id}`, {
      body: { name: 'Corp', linkByVerifiedEmail: true, clientSecret: 'rotated-secret' },
    });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({ name: 'Corp', linkByVerifiedEmail: true, redirectUri: body.redirectUri });

    expect((await client.admin('DELETE', `/admin/v1/identity-providers/${id}`)).status).toBe(204);
    const gone = await client.admin('GET', `/admin/v1/identity-providers/${id}`);
    expect(gone.status).toBe(404);
    expect((await json(gone)).error.code).toBe('IDENTITY_PROVIDER_NOT_FOUND');
    expect((await client.admin('DELETE', `/admin/v1/identity-providers/${id}`)).status).toBe(404);
  });

  it('knows the presets’ issuers and scopes', async () => {
    const client = newClient();
    const google = await json(
      await client.admin('POST', '/admin/v1/identity-providers', {
        body: { id: uniqueId('google'), name: 'Google', kind: 'google', clientId: 'x', clientSecret: 'y' },
      }),
    );
    expect(google).toMatchObject({ issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] });
    const github = await json(
      await client.admin('POST', '/admin/v1/identity-providers', {
        body: { id: uniqueId('github'), name: 'GitHub', kind: 'github', clientId: 'x', clientSecret: 'y' },
      }),
    );
    expect(github).toMatchObject({ issuer: null, scopes: ['read:user', 'user:email'] });
  });

  it('refuses an http issuer unless it is on loopback, and an oidc provider without one', async () => {
    const client = newClient();
    const base = { name: 'Corp', kind: 'oidc', clientId: 'x', clientSecret: 'y' };
    for (const issuer of ['http://sso.corp.example', 'https://sso.corp.example/#x', 'ftp://sso.corp.example', 'not a url', 42]) {
      const refused = await client.admin('POST', '/admin/v1/identity-providers', { body: { ...base, id: uniqueId('bad'), issuer } });
      expect(refused.status, String(issuer)).toBe(400);
      expect((await json(refused)).error.code).toBe('INVALID_FIELD');
    }
    const missing = await client.admin('POST', '/admin/v1/identity-providers', { body: { ...base, id: uniqueId('bad') } });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toContain('issuer');
    const loopback = await client.admin('POST', '/admin/v1/identity-providers', {
      body: { ...base, id: uniqueId('dev'), issuer: 'http://127.0.0.1:9999' },
    });
    expect(loopback.status).toBe(201);
  });

  it('refuses a taken id, a bad id, an unknown kind, an unknown environment and a changed kind', async () => {
    const client = newClient();
    const id = uniqueId('dup');
    const body = { id, name: 'Dup', kind: 'google', clientId: 'x', clientSecret: 'y' };
    expect((await client.admin('POST', '/admin/v1/identity-providers', { body })).status).toBe(201);
    const taken = await client.admin('POST', '/admin/v1/identity-providers', { body });
    expect(taken.status).toBe(409);
    expect((await json(taken)).error.code).toBe('IDENTITY_PROVIDER_EXISTS');
    for (const bad of [{ id: 'Has|Bar' }, { id: '' }, { kind: 'saml' }, { defaultEnvironments: ['no-such-env'] }, { clientSecret: 7 }]) {
      const refused = await client.admin('POST', '/admin/v1/identity-providers', { body: { ...body, id: uniqueId('x'), ...bad } });
      expect(refused.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(refused.status, JSON.stringify(bad)).toBeLessThan(500);
    }
    const changed = await client.admin('PATCH', `/admin/v1/identity-providers/${id}`, { body: { kind: 'oidc' } });
    expect(changed.status).toBe(400);
  });

  it('needs the account token', async () => {
    const client = newClient();
    const response = await client.request('GET', '/admin/v1/identity-providers');
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBeDefined();
  });
});
