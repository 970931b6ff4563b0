import { importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { expectError, logIn, parseLinks, register, registerAndLogIn } from './steps';

describe('GET /api/v2/users', () => {
  it('shows a developer or a customer their own object only', async () => {
    const client = newClient();
    for (const userType of ['developer', 'customer'] as const) {
      const me = await registerAndLogIn(client, userType);
      const response = await client.get('/api/v2/users', { token: me.token });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({
        uuid: me.uuid,
        username: me.username,
        email: me.email,
        user_type: userType,
        created_at: expect.stringMatching(/\+00:00$/),
      });
      expect(response.headers.get('Record-Count')).toBeNull();
    }
  });

  it('pages every user for an admin, with Record-Count and first, prev, next and last links', async () => {
    // An ecosystem of its own: test files running beside this one add users to the default one
    // between two pages, which moved Record-Count under the test.
    const client = newClient({ vars: { DEFAULT_ECOSYSTEM: `paging-${crypto.randomUUID().slice(0, 8)}` } });
    const admin = await registerAndLogIn(client, 'admin');
    const mine = new Set<string>([admin.uuid]);
    for (let i = 0; i < 5; i += 1) mine.add((await register(client, i % 2 ? 'customer' : 'developer')).uuid);

    const first = await client.get('/api/v2/users?limit=2', { token: admin.token });
    expect(first.status).toBe(200);
    const total = Number(first.headers.get('Record-Count'));
    expect(total).toBe(6);
    const lastIndex = Math.ceil(total / 2) - 1;
    const links = parseLinks(first.headers.get('Link'));
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next']);
    expect(links.first!.href).toBe('https://gatehouse.test/api/v2/users?offset=0&limit=2');
    expect(links.next!.href).toBe('https://gatehouse.test/api/v2/users?offset=1&limit=2');
    expect(links.last!.href).toBe(`https://gatehouse.test/api/v2/users?offset=${lastIndex}&limit=2`);

    const seen: string[] = (await json<any[]>(first)).map((user) => user.uuid);
    let next: URL | undefined = links.next;
    let pages = 1;
    while (next) {
      const page = await client.get(next.pathname + next.search, { token: admin.token });
      expect(page.headers.get('Record-Count')).toBe(String(total));
      const pageLinks = parseLinks(page.headers.get('Link'));
      expect(pageLinks.prev!.searchParams.get('offset')).toBe(String(pages - 1));
      expect(pageLinks.first!.searchParams.get('offset')).toBe('0');
      const items = await json<any[]>(page);
      expect(items.length).toBeGreaterThan(0);
      for (const user of items) {
        expect(Object.keys(user)).not.toContain('password');
        seen.push(user.uuid);
      }
      next = pageLinks.next;
      pages += 1;
    }
    expect(pages).toBe(lastIndex + 1);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    for (const uuid of mine) expect(seen).toContain(uuid);
  });

  it('lists users for the account token too, ten to a page by default', async () => {
    const client = newClient();
    await register(client, 'customer');
    const response = await client.get('/api/v2/users', { token: client.accountToken });
    expect(response.status).toBe(200);
    const items = await json<any[]>(response);
    // Other test files add and delete users of the shared default ecosystem meanwhile, so a page
    // may hold a gap where one was deleted after it was counted: ten at most, and nearly full.
    const count = Number(response.headers.get('Record-Count'));
    expect(items.length).toBeLessThanOrEqual(10);
    expect(items.length).toBeGreaterThan(Math.min(10, count) - 3);
    expect(items[0]).toMatchObject({ uuid: expect.any(String), user_type: expect.stringMatching(/^(developer|customer|admin)$/) });
  });

  it('answers an empty page past the end, and 400 for a bad offset or limit', async () => {
    const client = newClient();
    const admin = await registerAndLogIn(client, 'admin');
    const beyond = await client.get('/api/v2/users?offset=100000&limit=100', { token: admin.token });
    expect(beyond.status).toBe(200);
    expect(await json(beyond)).toEqual([]);
    expect(parseLinks(beyond.headers.get('Link')).prev).toBeDefined();
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'offset=1.5']) {
      await expectError(await client.get(`/api/v2/users?${query}`, { token: admin.token }), 400, /^(offset|limit) must be a whole number/);
    }
  });

  it('ends the caller’s sessions when their role changes; the next login goes by the new role', async () => {
    const client = newClient();
    const developer = await registerAndLogIn(client, 'developer');
    expect(Array.isArray(await json(await client.get('/api/v2/users', { token: developer.token })))).toBe(false);
    expect((await client.admin('PATCH', `/admin/v1/users/${developer.uuid}`, { body: { role: 'admin' } })).status).toBe(200);
    await expectError(await client.get('/api/v2/users', { token: developer.token }), 401);
    const again = await logIn(client, developer);
    const listed = await client.get('/api/v2/users', { token: again.token });
    expect(Array.isArray(await json(listed))).toBe(true);
  });

  it('shows user types over the core roles: other roles show as customers', async () => {
    const client = newClient();
    const email = uniqueEmail('moderator');
    const password = strongPassword();
    const created = await client.admin('POST', '/admin/v1/users', {
      body: { email, username: `mod_${crypto.randomUUID().slice(0, 8)}`, password, role: 'moderator' },
    });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const response = await client.get(`/api/v2/users/${id}`, { token: client.accountToken });
    expect(await json(response)).toMatchObject({ uuid: id, user_type: 'customer' });
  });
});

describe('GET /api/v2/users/:uuid', () => {
  it('lets a user read themselves and an admin read anyone', async () => {
    const client = newClient();
    const developer = await registerAndLogIn(client, 'developer');
    const admin = await registerAndLogIn(client, 'admin');
    for (const token of [developer.token, admin.token, client.accountToken]) {
      const response = await client.get(`/api/v2/users/${developer.uuid}`, { token });
      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({ uuid: developer.uuid, username: developer.username, user_type: 'developer' });
    }
  });

  it('refuses a non-admin another user, whether or not that user exists', async () => {
    const client = newClient();
    const developer = await registerAndLogIn(client, 'developer');
    const other = await register(client, 'customer');
    await expectError(
      await client.get(`/api/v2/users/${other.uuid}`, { token: developer.token }),
      403,
      'Forbidden: only admins read other users',
    );
    await expectError(await client.get(`/api/v2/users/${crypto.randomUUID()}`, { token: developer.token }), 403);
  });

  it('answers 404 for a malformed id and for an unknown one', async () => {
    const client = newClient();
    const admin = await registerAndLogIn(client, 'admin');
    await expectError(await client.get('/api/v2/users/not-a-uuid', { token: admin.token }), 404, 'User id is not valid');
    await expectError(await client.get(`/api/v2/users/${crypto.randomUUID()}`, { token: admin.token }), 404, 'User not found');
  });

  it('answers 401 without a token and 400 for a header that is not Bearer', async () => {
    const client = newClient();
    const me = await register(client, 'customer');
    const response = await client.get(`/api/v2/users/${me.uuid}`);
    await expectError(response, 401, 'Unauthorized: missing authorization header');
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', 'token']) {
      await expectError(
        await client.get(`/api/v2/users/${me.uuid}`, { headers: { authorization } }),
        400,
        /^Unprocessable entity: authorization header/,
      );
    }
  });
});

describe('PUT /api/v2/users', () => {
  it('replaces the caller’s own profile, and the new password works', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer', { first_name: 'Old' });
    const password = strongPassword();
    const email = uniqueEmail('renamed');
    const response = await client.put('/api/v2/users', {
      token: me.token,
      body: { username: me.username, password, email, user_type: 'customer', last_name: 'New', current_password: me.password },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      uuid: me.uuid,
      username: me.username,
      email,
      user_type: 'customer',
      first_name: 'Old',
      last_name: 'New',
    });
    expect((await logIn(client, { ...me, password })).uuid).toBe(me.uuid);
    await expectError(await client.post('/api/v2/sessions', { body: { username: me.username, password: me.password } }), 401);
  });

  it('needs all four fields', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'customer');
    const full = { username: me.username, password: strongPassword(), email: me.email, user_type: 'customer' };
    for (const [field, message] of [
      ['username', 'User name is missing'],
      ['password', 'Password is missing'],
      ['email', 'Email is missing'],
      ['user_type', 'User type is missing'],
    ]) {
      await expectError(await client.put('/api/v2/users', { token: me.token, body: { ...full, [field!]: undefined } }), 400, message);
    }
  });

  it('refuses another username: the username cannot change and no one edits another', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer');
    const other = await register(client, 'developer');
    for (const username of [other.username, `${me.username}x`]) {
      const body = { username, password: strongPassword(), email: me.email, user_type: 'developer' };
      await expectError(await client.put('/api/v2/users', { token: me.token, body }), 403, /^Forbidden/);
    }
  });

  it('refuses a non-admin raising their own user type, but lets an admin change theirs', async () => {
    const client = newClient();
    const customer = await registerAndLogIn(client, 'customer');
    const developer = await registerAndLogIn(client, 'developer');
    const put = (me: typeof customer, userType: string) =>
      client.put('/api/v2/users', {
        token: me.token,
        body: { username: me.username, password: me.password, email: me.email, user_type: userType },
      });
    await expectError(await put(customer, 'developer'), 403, 'Forbidden: only an admin may raise a user type');
    await expectError(await put(customer, 'admin'), 403);
    await expectError(await put(developer, 'admin'), 403);
    const admin = await registerAndLogIn(client, 'admin');
    expect(await json(await put(admin, 'developer'))).toMatchObject({ user_type: 'developer' });
  });

  it('drops the keys of a developer who becomes a customer', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer', { public_key: 'KEY', certificate: 'CERT' });
    const response = await client.put('/api/v2/users', {
      token: me.token,
      body: { username: me.username, password: me.password, email: me.email, user_type: 'customer' },
    });
    const user = await json(response);
    expect(user.user_type).toBe('customer');
    expect(user).not.toHaveProperty('public_key');
    expect(user).not.toHaveProperty('certificate');
  });

  it('answers 409 for an e-mail another user has', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'customer');
    const other = await register(client, 'customer');
    const body = { username: me.username, password: me.password, email: other.email, user_type: 'customer' };
    await expectError(await client.put('/api/v2/users', { token: me.token, body }), 409, 'Email already in use');
  });

  it('refuses the account token, which has no profile', async () => {
    const client = newClient();
    const body = { username: 'operator', password: strongPassword(), email: uniqueEmail(), user_type: 'admin' };
    await expectError(await client.put('/api/v2/users', { token: client.accountToken, body }), 403, /^Forbidden: the account token/);
  });
});

describe('PATCH /api/v2/users/:username/user-public-key', () => {
  it('sets the caller’s public key under either of its names', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer');
    const path = `/api/v2/users/${me.username}/user-public-key`;
    const first = await client.patch(path, { token: me.token, body: { public_key: 'KEY-1' } });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ uuid: me.uuid, public_key: 'KEY-1' });
    const second = await client.patch(path, { token: me.token, body: { 'public-key': 'KEY-2', certificate: 'CERT' } });
    expect(await json(second)).toMatchObject({ public_key: 'KEY-2', certificate: 'CERT' });
  });

  it('answers 400 without a key, or for someone who is not a developer', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer');
    await expectError(
      await client.patch(`/api/v2/users/${me.username}/user-public-key`, { token: me.token, body: {} }),
      400,
      'Public key is missing',
    );
    await expectError(
      await client.patch(`/api/v2/users/${me.username}/user-public-key`, { token: me.token, body: { public_key: 7 } }),
      400,
      'Public key must be a string',
    );
    const customer = await registerAndLogIn(client, 'customer');
    await expectError(
      await client.patch(`/api/v2/users/${customer.username}/user-public-key`, { token: customer.token, body: { public_key: 'K' } }),
      400,
      'Public key is only for developers',
    );
  });

  it('refuses a developer another user’s key; lets an admin set a developer’s key', async () => {
    const client = newClient();
    const me = await registerAndLogIn(client, 'developer');
    const other = await register(client, 'developer');
    const path = `/api/v2/users/${other.username}/user-public-key`;
    await expectError(
      await client.patch(path, { token: me.token, body: { public_key: 'MINE' } }),
      403,
      'Forbidden: a user may only change their own key',
    );
    const admin = await registerAndLogIn(client, 'admin');
    expect(await json(await client.patch(path, { token: admin.token, body: { public_key: 'SET' } }))).toMatchObject({
      uuid: other.uuid,
      public_key: 'SET',
    });
    await expectError(
      await client.patch('/api/v2/users/nobody_here/user-public-key', { token: admin.token, body: { public_key: 'K' } }),
      404,
      'User not found',
    );
    await expectError(await client.patch(path, { body: { public_key: 'K' } }), 401);
  });
});

describe('GET /api/v2/users/public-key', () => {
  it('answers the service’s signing key as PEM, which verifies the tokens it issues', async () => {
    const client = newClient();
    const response = await client.get('/api/v2/users/public-key');
    expect(response.status).toBe(200);
    const pem = (await json(response))['public-key'];
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
    const me = await registerAndLogIn(client, 'customer');
    const { payload } = await jwtVerify(me.token, await importSPKI(pem, 'ES256'));
    expect(payload.sub).toBe(me.uuid);
  });
});

describe('OPTIONS', () => {
  it.each([
    ['/api/v2/users', 'POST'],
    ['/api/v2/sessions', 'DELETE'],
  ])('answers %s with 200, no body and the allowed methods', async (path, method) => {
    const response = await newClient().request('OPTIONS', path, { headers: { origin: 'https://app.example' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain(method);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
  });
});

describe('routes and methods', () => {
  it('answers an unknown route, a wrong method and an oversized body in the Gatekeeper shape', async () => {
    const client = newClient();
    await expectError(await client.get('/api/v2/nothing-here'), 404, 'Not found');
    const wrong = await client.delete('/api/v2/users');
    await expectError(wrong, 405, 'Method not allowed');
    expect(wrong.headers.get('Allow')).toContain('POST');
    await expectError(await client.post('/api/v2/users', { raw: `{"username":"${'x'.repeat(70_000)}"}` }), 413, 'Request entity too large');
  });
});
