import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser, logIn, verifyStatus } from '../support/accounts';
import { json, newClient, uniqueEmail } from '../support/driver';

describe('operator authentication', () => {
  it('answers 401 without a token, with a wrong token and with a user access token', async () => {
    const client = newClient();
    const user = await createUser(client, { role: 'admin' });
    const { access_token } = await logIn(client, user);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-account-token' },
      { authorization: `Bearer ${access_token}` },
    ];
    for (const headers of attempts) {
      const response = await client.get('/admin/v1/ecosystems', { headers });
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ error: { code: 'UNAUTHENTICATED' }, requestId: expect.any(String) });
    }
  });

  it('accepts the account token raw as well as a bearer token', async () => {
    const client = newClient();
    expect((await client.get('/admin/v1/ecosystems', { headers: { authorization: client.accountToken } })).status).toBe(200);
    expect((await client.admin('GET', '/admin/v1/ecosystems')).status).toBe(200);
  });
});

describe('ecosystems, environments and server tokens', () => {
  it('has the default ecosystem after migrating', async () => {
    const body = await json(await newClient().admin('GET', '/admin/v1/ecosystems'));
    expect(body.items).toContainEqual(expect.objectContaining({ id: 'default' }));
  });

  it('creates an ecosystem with an environment and a server token shown once', async () => {
    const client = newClient();
    const created = await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'Acme' } });
    expect(created.status).toBe(201);
    const ecosystem = await json(created);
    expect(ecosystem).toMatchObject({ id: expect.any(String), name: 'Acme', createdAt: expect.stringMatching(/Z$/) });
    const environment = await client.admin('POST', `/admin/v1/ecosystems/${ecosystem.id}/environments`, { body: { name: 'prod' } });
    expect(environment.status).toBe(201);
    expect(await json(environment)).toMatchObject({ ecosystemId: ecosystem.id, name: 'prod' });
    const issued = await client.admin('POST', `/admin/v1/ecosystems/${ecosystem.id}/server-tokens`, { body: {} });
    expect(issued.status).toBe(201);
    const { id, token } = await json(issued);
    expect(token).toMatch(/^gst_[A-Za-z0-9_-]{43}$/);
    const introspect = () => client.post('/oauth/introspect', { headers: { authorization: token }, form: { token: 'x' } });
    expect((await introspect()).status).toBe(200);
    expect((await client.admin('DELETE', `/admin/v1/server-tokens/${id}`)).status).toBe(204);
    expect((await introspect()).status).toBe(401);
    expect((await client.admin('DELETE', `/admin/v1/server-tokens/${id}`)).status).toBe(404);
  });

  it('answers 404 for an environment of an unknown ecosystem', async () => {
    const response = await newClient().admin('POST', '/admin/v1/ecosystems/nope/environments', { body: {} });
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('ECOSYSTEM_NOT_FOUND');
  });
});

describe('users for operators', () => {
  it('lists and searches users with cursor paging', async () => {
    const client = newClient();
    const ecosystem = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'paging' } }));
    const prefix = `page${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 5; i++) {
      client.clock.advance(1);
      await createUser(client, { email: `${prefix}.${i}@example.com`, ecosystemId: ecosystem.id });
    }
    await createUser(client, { email: uniqueEmail('other'), ecosystemId: ecosystem.id });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/admin/v1/users?ecosystemId=${ecosystem.id}&q=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await json(await client.admin('GET', query));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((user: { email: string }) => user.email));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}.${i}@example.com`));
    const bad = await client.admin('GET', '/admin/v1/users?cursor=garbage');
    expect(bad.status).toBe(400);
    expect((await client.admin('GET', '/admin/v1/users?limit=1000')).status).toBe(400);
  });

  it('never shows a password hash', async () => {
    const client = newClient();
    const user = await createUser(client);
    const text = await (await client.admin('GET', `/admin/v1/users/${user.id}`)).text();
    expect(text).not.toMatch(/scrypt|password/i);
  });

  it('changes a role and a permission level, ending the sessions whose tokens carry the old role', async () => {
    const client = newClient();
    const user = await createUser(client);
    const before = await logIn(client, user);
    expect(await verifyStatus(client, before.access_token)).toBe(200);
    const moderator = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { permissionLevel: 1 } });
    expect(await json(moderator)).toMatchObject({ role: 'moderator', permissionLevel: 1 });
    const admin = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { role: 'admin' } });
    expect(await json(admin)).toMatchObject({ role: 'admin', permissionLevel: 0 });
    expect(await verifyStatus(client, before.access_token)).toBe(401);
    const after = await client.get('/auth/verify', { token: (await logIn(client, user)).access_token });
    expect(after.headers.get('X-User-Role')).toBe('admin');
    const unchanged = await logIn(client, user);
    await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { role: 'admin' } });
    expect(await verifyStatus(client, unchanged.access_token)).toBe(200);
    const bad = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { role: 'emperor' } });
    expect(bad.status).toBe(400);
    const wrongType = await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: 'yes' } });
    expect(wrongType.status).toBe(400);
    expect((await json(wrongType)).error.message).toContain('disabled');
  });

  it("lists a user's live sessions and revokes one", async () => {
    const client = newClient();
    const user = await createUser(client);
    const first = await logIn(client, user);
    client.clock.advance(1);
    const second = await logIn(client, user);
    const listed = await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`));
    expect(listed.items).toHaveLength(2);
    expect(listed.items[0]).toEqual({
      id: expect.any(String),
      kind: 'refresh',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    const firstSession = claimsOf(first.access_token).sid as string;
    expect((await client.admin('DELETE', `/admin/v1/sessions/${firstSession}`)).status).toBe(204);
    expect(await verifyStatus(client, first.access_token)).toBe(401);
    expect(await verifyStatus(client, second.access_token)).toBe(200);
    expect((await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items).toHaveLength(1);
    expect((await client.admin('DELETE', `/admin/v1/sessions/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('ends every session of a user at once', async () => {
    const client = newClient();
    const user = await createUser(client);
    const sessions = [await logIn(client, user), await logIn(client, user)];
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/sessions`)).status).toBe(204);
    for (const tokens of sessions) expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    expect((await json(await client.admin('GET', `/admin/v1/users/${user.id}/sessions`))).items).toEqual([]);
    const again = await logIn(client, user);
    expect(await verifyStatus(client, again.access_token)).toBe(200);
  });

  it('deletes a user and kills their tokens', async () => {
    const client = newClient();
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    const { token: serverToken } = await json(await client.admin('POST', '/admin/v1/ecosystems/default/server-tokens', { body: {} }));
    expect(
      (await client.post('/v1/users/attributes', { token: tokens.access_token, body: { attributeKey: 'k', attributeText: 'v' } })).status,
    ).toBe(200);
    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}`)).status).toBe(204);
    expect(await verifyStatus(client, tokens.access_token)).toBe(401);
    for (const table of ['attributes', 'sessions', 'one_time_codes', 'access_grants']) {
      const row = await env.DB.prepare(`select count(*) as n from ${table} where user_id = ?`).bind(user.id).first<{ n: number }>();
      expect(row!.n, table).toBe(0);
    }
    expect(serverToken).toMatch(/^gst_/);
    expect((await client.admin('GET', `/admin/v1/users/${user.id}`)).status).toBe(404);
  });

  it('refuses a duplicate e-mail, case-insensitively', async () => {
    const client = newClient();
    const user = await createUser(client);
    const again = await client.admin('POST', '/admin/v1/users', {
      body: { email: user.email.toUpperCase(), password: 'another fine password' },
    });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('EMAIL_TAKEN');
  });
});

describe('forward-auth', () => {
  it('answers 200 with the identity headers for a valid token', async () => {
    const client = newClient();
    const user = await createUser(client, { role: 'developer' });
    const { access_token } = await logIn(client, user);
    const response = await client.get('/auth/verify', { token: access_token });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-User-Id')).toBe(user.id);
    expect(response.headers.get('X-User-Email')).toBe(user.email);
    expect(response.headers.get('X-User-Role')).toBe('developer');
    expect(response.headers.get('X-Ecosystem-Id')).toBe('default');
  });

  it('accepts the token cookie', async () => {
    const client = newClient();
    const { access_token } = await logIn(client, await createUser(client));
    const response = await client.get('/auth/verify', { headers: { cookie: `gatehouse_token=${access_token}` } });
    expect(response.status).toBe(200);
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const response = await newClient().get('/auth/verify');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse"');
  });
});

describe('the outbox', () => {
  it('is readable by the operator, newest first, filtered by recipient', async () => {
    const client = newClient();
    const user = await createUser(client);
    const response = await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(user.email)}`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ items: [] });
  });
});

describe('searching users (q)', () => {
  it('answers 400 for a q over 64 characters, in the operator shape', async () => {
    const client = newClient();
    for (const q of ['a'.repeat(200), '%'.repeat(65)]) {
      const response = await client.admin('GET', `/admin/v1/users?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('INVALID_FIELD');
    }
    // Up to the bound, whatever the characters: never D1's LIKE pattern limit (a 500).
    for (const q of ['%'.repeat(64), 'é'.repeat(64), 'a'.repeat(64)]) {
      expect((await client.admin('GET', `/admin/v1/users?q=${encodeURIComponent(q)}`)).status).toBe(200);
    }
  });

  it('matches %, _ and \\ literally', async () => {
    const client = newClient();
    const ecosystem = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'literal' } }));
    const tag = crypto.randomUUID().slice(0, 6);
    for (const local of [`a%${tag}`, `a_${tag}`, `ab${tag}`, `a\\${tag}`]) {
      await createUser(client, { email: `${local}@example.com`, ecosystemId: ecosystem.id });
    }
    const search = async (q: string) => {
      const page = await json(await client.admin('GET', `/admin/v1/users?ecosystemId=${ecosystem.id}&q=${encodeURIComponent(q)}`));
      return page.items.map((user: { email: string }) => user.email);
    };
    expect(await search('a%')).toEqual([`a%${tag}@example.com`]);
    expect(await search('a_')).toEqual([`a_${tag}@example.com`]);
    expect(await search('a\\')).toEqual([`a\\${tag}@example.com`]);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });
});

describe('e-mail normalisation', () => {
  it('refuses an address whose normal form turns a character into ASCII (KELVIN SIGN), and finds mixed case as the same user', async () => {
    const client = newClient();
    const local = `kelvin${crypto.randomUUID().slice(0, 6)}`;
    const plain = await createUser(client, { email: `${local}@example.com` });
    const kelvin = await client.admin('POST', '/admin/v1/users', {
      body: { email: `\u212A${local.slice(1)}@example.com`, password: plain.password },
    });
    expect(kelvin.status).toBe(400);
    expect((await json(kelvin)).error.code).toBe('INVALID_EMAIL');
    const fullWidth = await client.post('/v1/users/register', { body: { email: `\uFF41${local}@example.com`, password: plain.password } });
    expect(fullWidth.status).toBe(400);
    const mixed = await client.admin('POST', '/admin/v1/users', {
      body: { email: `${local.toUpperCase()}@Example.COM`, password: plain.password },
    });
    expect(mixed.status).toBe(409);
    expect((await json(mixed)).error.code).toBe('EMAIL_TAKEN');
    const login = await client.post('/oauth/token', {
      form: { grant_type: 'password', username: `${local.toUpperCase()}@EXAMPLE.com`, password: plain.password },
    });
    expect(login.status).toBe(200);
  });
});
