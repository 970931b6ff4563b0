import { describe, expect, it } from 'vitest';
import { claimsOf, verifyStatus } from '../support/accounts';
import { json, newClient, uniqueEmail } from '../support/driver';
import { appUserId, newEcosystem, newEnvironment, raw, userPath } from './support';

describe('the droplit Users API', () => {
  it('creates a user with 201 and shows them in droplit shape', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const env = await newEnvironment(client, eco.id);
    const id = appUserId();
    const email = uniqueEmail();
    const response = await client.put(userPath(eco.id, id), {
      body: { email, meta: { plan: 'pro', seats: 3 }, access: [{ environmentId: env, accessLevel: 'all' }] },
      ...raw(eco.serverToken),
    });
    expect(response.status).toBe(201);
    const user = await json(response);
    expect(user).toEqual({
      id: `${eco.id};${id}`,
      ecosystemId: eco.id,
      uniqueId: id,
      meta: { plan: 'pro', seats: 3 },
      email,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      access: [{ environmentId: env, accessLevel: 'all' }],
    });
    const fetched = await client.get(userPath(eco.id, id), raw(eco.serverToken));
    expect(fetched.status).toBe(200);
    expect(await json(fetched)).toEqual(user);
  });

  it('updates an existing user with 200, keeping the fields the request leaves out', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const [first, second] = [await newEnvironment(client, eco.id), await newEnvironment(client, eco.id)];
    const id = appUserId();
    const email = uniqueEmail();
    await client.put(userPath(eco.id, id), {
      body: { email, meta: { a: 1 }, access: [{ environmentId: first }] },
      ...raw(eco.serverToken),
    });
    const metaOnly = await client.put(userPath(eco.id, id), { body: { meta: { b: 2 } }, ...raw(eco.serverToken) });
    expect(metaOnly.status).toBe(200);
    expect(await json(metaOnly)).toMatchObject({ email, meta: { b: 2 }, access: [{ environmentId: first, accessLevel: 'all' }] });
    const regranted = await client.put(userPath(eco.id, id), {
      body: {
        email: null,
        access: [
          { environmentId: second, accessLevel: 'read' },
          { environmentId: second, accessLevel: 'write' },
        ],
      },
      ...raw(eco.serverToken),
    });
    expect(regranted.status).toBe(200);
    expect(await json(regranted)).toMatchObject({ email: null, meta: { b: 2 }, access: [{ environmentId: second, accessLevel: 'read' }] });
    const revoked = await client.put(userPath(eco.id, id), { body: { access: [] }, ...raw(eco.serverToken) });
    expect((await json(revoked)).access).toEqual([]);
  });

  it('answers a PUT with generateToken=true with a user token instead of the user', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const id = appUserId();
    const created = await client.put(`${userPath(eco.id, id)}?generateToken=true&expiryType=SlidingTtl&ttl=600`, {
      body: { email: uniqueEmail() },
      ...raw(eco.serverToken),
    });
    expect(created.status).toBe(201);
    const { token, ...rest } = await json(created);
    expect(rest).toEqual({});
    expect(claimsOf(token)).toMatchObject({ eco: eco.id, uid: id, ext: 'SlidingTtl', ttl: 600 });
    expect(await verifyStatus(client, token)).toBe(200);
    const updated = await client.put(`${userPath(eco.id, id)}?generateToken=true`, { ...raw(eco.serverToken) });
    expect(updated.status).toBe(200);
    const claims = claimsOf((await json(updated)).token);
    expect(claims).toMatchObject({ ext: 'FixedTtl', ttl: 3600 });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    const plain = await client.put(`${userPath(eco.id, id)}?generateToken=false`, { ...raw(eco.serverToken) });
    expect((await json(plain)).uniqueId).toBe(id);
  });

  it('generates user tokens of each expiry type, FixedTtl for an hour by default', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const id = appUserId();
    await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) });
    const fixed = await client.post(userPath(eco.id, id, '/tokens'), raw(eco.serverToken));
    expect(fixed.status).toBe(200);
    const fixedClaims = claimsOf((await json(fixed)).token);
    expect(fixedClaims).toMatchObject({ ext: 'FixedTtl', ttl: 3600, sub: expect.any(String) });
    expect(fixedClaims.exp).toBe((fixedClaims.iat as number) + 3600);
    const infinite = await client.post(userPath(eco.id, id, '/tokens?expiryType=Infinite'), raw(eco.serverToken));
    const infiniteClaims = claimsOf((await json(infinite)).token);
    expect(infiniteClaims.ext).toBe('Infinite');
    expect(infiniteClaims.exp).toBeUndefined();
    const sliding = await client.post(userPath(eco.id, id, '/tokens?expiryType=SlidingTtl&ttl=90'), raw(eco.serverToken));
    expect(claimsOf((await json(sliding)).token)).toMatchObject({ ext: 'SlidingTtl', ttl: 90 });
  });

  it('accepts the account token on any ecosystem, raw or as a bearer token', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const id = appUserId();
    const created = await client.put(userPath(eco.id, id), { ...raw(client.accountToken) });
    expect(created.status).toBe(201);
    const fetched = await client.get(userPath(eco.id, id), { token: client.accountToken });
    expect(fetched.status).toBe(200);
    const withBearer = await client.get(userPath(eco.id, id), { token: eco.serverToken });
    expect(withBearer.status).toBe(200);
  });

  it('keeps the application user id as given: percent-decoded, with | ; / and up to 256 characters', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    for (const id of ['auth0|5f3c1a2b', 'google-oauth2|1;2;3', 'a/b c%d', 'x'.repeat(256)]) {
      const created = await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) });
      expect(created.status).toBe(201);
      expect(await json(created)).toMatchObject({ id: `${eco.id};${id}`, uniqueId: id });
      expect((await client.get(userPath(eco.id, id), raw(eco.serverToken))).status).toBe(200);
    }
    const literal = await client.get(`/api/users/${eco.id};auth0|5f3c1a2b`, raw(eco.serverToken));
    expect((await json(literal)).uniqueId).toBe('auth0|5f3c1a2b');
  });

  it('lists the ecosystem users a page at a time with a cursor', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const other = await newEcosystem(client);
    const env = await newEnvironment(client, eco.id);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(appUserId());
      client.clock.advance(1);
      await client.put(userPath(eco.id, ids[i]!), { body: { access: [{ environmentId: env }] }, ...raw(eco.serverToken) });
    }
    await client.put(userPath(other.id, appUserId()), { ...raw(other.serverToken) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?ecosystemId=${eco.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await client.get(`/api/users${query}`, raw(eco.serverToken));
      expect(response.status).toBe(200);
      const page = await json(response);
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items)
        expect(item).toMatchObject({ ecosystemId: eco.id, access: [{ environmentId: env, accessLevel: 'all' }] });
      seen.push(...page.items.map((item: { uniqueId: string }) => item.uniqueId));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(ids);
    const all = await json(await client.get(`/api/users?ecosystemId=${eco.id}`, raw(eco.serverToken)));
    expect(all).toMatchObject({ next: null });
    expect(all.items).toHaveLength(5);
  });

  it('deletes a user with 200 and an empty body, and the user is gone', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const env = await newEnvironment(client, eco.id);
    const id = appUserId();
    await client.put(userPath(eco.id, id), { body: { access: [{ environmentId: env }] }, ...raw(eco.serverToken) });
    const deleted = await client.delete(userPath(eco.id, id), raw(eco.serverToken));
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toBe('');
    const fetched = await client.get(userPath(eco.id, id), raw(eco.serverToken));
    expect(fetched.status).toBe(404);
    expect((await client.delete(userPath(eco.id, id), raw(eco.serverToken))).status).toBe(404);
    const again = await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) });
    expect(again.status).toBe(201);
    expect((await json(again)).access).toEqual([]);
  });

  it('logs a user out: their tokens stop working and new ones work', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const id = appUserId();
    await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) });
    const before = (await json(await client.post(userPath(eco.id, id, '/tokens'), raw(eco.serverToken)))).token;
    expect(await verifyStatus(client, before)).toBe(200);
    const logout = await client.delete(userPath(eco.id, id, '/tokens'), raw(eco.serverToken));
    expect(logout.status).toBe(200);
    expect(await logout.text()).toBe('');
    expect(await verifyStatus(client, before)).toBe(401);
    const after = (await json(await client.post(userPath(eco.id, id, '/tokens'), raw(eco.serverToken)))).token;
    expect(await verifyStatus(client, after)).toBe(200);
  });

  it('settles two concurrent creates of one user id as one create and one update', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const env = await newEnvironment(client, eco.id);
    const id = appUserId();
    const responses = await Promise.all(
      [{ a: 1 }, { b: 2 }].map((meta) =>
        client.put(`${userPath(eco.id, id)}?generateToken=true`, {
          body: { meta, access: [{ environmentId: env }] },
          ...raw(eco.serverToken),
        }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 201]);
    for (const response of responses) expect(await verifyStatus(client, (await json(response)).token)).toBe(200);
    const list = await json(await client.get(`/api/users?ecosystemId=${eco.id}`, raw(eco.serverToken)));
    expect(list.items).toHaveLength(1);
    expect(list.items[0].access).toEqual([{ environmentId: env, accessLevel: 'all' }]);
  });

  it('refuses a second user with the same e-mail in one ecosystem with 409', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const email = uniqueEmail();
    await client.put(userPath(eco.id, appUserId()), { body: { email }, ...raw(eco.serverToken) });
    const response = await client.put(userPath(eco.id, appUserId()), { body: { email: email.toUpperCase() }, ...raw(eco.serverToken) });
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual({
      errorType: 'Conflict',
      errors: [{ in: 'body', path: 'email', message: 'Email Already In Use' }],
    });
  });

  it('issues no token to a disabled user and leaves them unchanged', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const id = appUserId();
    await client.put(userPath(eco.id, id), { body: { meta: { a: 1 } }, ...raw(eco.serverToken) });
    const listed = await json(await client.admin('GET', `/admin/v1/users?ecosystemId=${eco.id}`));
    await client.admin('PATCH', `/admin/v1/users/${listed.items[0].id}`, { body: { disabled: true } });
    const refused = await client.post(userPath(eco.id, id, '/tokens'), raw(eco.serverToken));
    expect(refused.status).toBe(403);
    expect(await json(refused)).toEqual({ errorType: 'Forbidden', errors: [{ in: 'path', path: 'userId', message: 'User Disabled' }] });
    const put = await client.put(`${userPath(eco.id, id)}?generateToken=true`, { body: { meta: { b: 2 } }, ...raw(eco.serverToken) });
    expect(put.status).toBe(403);
    expect((await json(await client.get(userPath(eco.id, id), raw(eco.serverToken)))).meta).toEqual({ a: 1 });
  });
});
