import { describe, expect, it } from 'vitest';
import { json, newClient, uniqueEmail, type Client } from '../support/driver';
import { appUserId, newEcosystem, newEnvironment, raw, userPath, type TestEcosystem } from './support';

const invalid = (...errors: { in: string; path: string; message: string }[]) => ({ errorType: 'InvalidParams', errors });
const notFound = (path: 'ecosystemId' | 'userId', where = 'path') => ({
  errorType: 'NotFound',
  errors: [{ in: where, path, message: path === 'ecosystemId' ? 'Ecosystem Not Found' : 'User Not Found' }],
});
const TTL = { in: 'query', path: 'ttl', message: 'expected field to be a number' };
const EXPIRY = { in: 'query', path: 'expiryType', message: 'field must be one of the following values: Infinite, FixedTtl, SlidingTtl' };
const GENERATE = { in: 'query', path: 'generateToken', message: 'expected field to be a boolean' };
const notAllowed = (where: string, names: string) => ({
  in: where,
  path: 'additional parameters',
  message: `contains fields that are not allowed: [ ${names} ]`,
});

async function withUser(client: Client): Promise<{ eco: TestEcosystem; id: string }> {
  const eco = await newEcosystem(client);
  const id = appUserId();
  expect((await client.put(userPath(eco.id, id), { ...raw(eco.serverToken) })).status).toBe(201);
  return { eco, id };
}

async function expectError(response: Response, status: number, body: unknown): Promise<void> {
  expect(response.status).toBe(status);
  expect(await json(response)).toEqual(body);
}

describe('droplit request validation', () => {
  it('refuses query fields a route does not name, listing them', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const token = raw(eco.serverToken);
    await expectError(
      await client.post(userPath(eco.id, id, '/tokens?ttl=60&foo=1&bar'), token),
      400,
      invalid(notAllowed('query', 'foo, bar')),
    );
    await expectError(
      await client.put(`${userPath(eco.id, id)}?generatetoken=true`, token),
      400,
      invalid(notAllowed('query', 'generatetoken')),
    );
    await expectError(await client.get(`/api/users?ecosystemId=${eco.id}&q=a`, token), 400, invalid(notAllowed('query', 'q')));
  });

  it('allows no query string at all on GET, DELETE and logout of a user', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const token = raw(eco.serverToken);
    await expectError(await client.get(`${userPath(eco.id, id)}?ttl=5`, token), 400, invalid(notAllowed('query', 'ttl')));
    await expectError(await client.delete(`${userPath(eco.id, id)}?force=true`, token), 400, invalid(notAllowed('query', 'force')));
    await expectError(await client.delete(userPath(eco.id, id, '/tokens?all'), token), 400, invalid(notAllowed('query', 'all')));
    expect((await client.get(userPath(eco.id, id), token)).status).toBe(200);
  });

  it('refuses a ttl that is not a positive number, in droplit words', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    for (const ttl of ['abc', '0', '-5', '', '1e3', '0.0', 'Infinity', '60&ttl=70']) {
      await expectError(await client.post(userPath(eco.id, id, `/tokens?ttl=${ttl}`), raw(eco.serverToken)), 400, invalid(TTL));
    }
    const tooLong = await json(await client.post(userPath(eco.id, id, '/tokens?ttl=999999999999'), raw(eco.serverToken)));
    expect(tooLong.errors[0]).toMatchObject({ in: 'query', path: 'ttl' });
  });

  it('refuses an unknown expiryType and a generateToken that is not a boolean', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const token = raw(eco.serverToken);
    for (const type of ['fixedttl', 'Sliding', 'None']) {
      await expectError(await client.post(userPath(eco.id, id, `/tokens?expiryType=${type}`), token), 400, invalid(EXPIRY));
    }
    for (const flag of ['yes', '1', 'TRUE', '']) {
      await expectError(await client.put(`${userPath(eco.id, id)}?generateToken=${flag}`, token), 400, invalid(GENERATE));
    }
  });

  it('reports every problem of a request at once', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const response = await client.put(
      `${userPath(eco.id, id)}?generateToken=maybe&expiryType=Forever&ttl=-1&extra=1`,
      raw(eco.serverToken),
    );
    await expectError(response, 400, invalid(notAllowed('query', 'extra'), GENERATE, EXPIRY, TTL));
  });

  it('refuses meta that is not an object, and other malformed bodies, naming the field', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const token = raw(eco.serverToken);
    const meta = { in: 'body', path: 'meta', message: 'expected field to be an object' };
    for (const value of ['text', 5, [1, 2], null, true]) {
      await expectError(await client.put(userPath(eco.id, id), { body: { meta: value }, ...token }), 400, invalid(meta));
    }
    await expectError(
      await client.put(userPath(eco.id, id), { body: { metadata: {} }, ...token }),
      400,
      invalid(notAllowed('body', 'metadata')),
    );
    await expectError(
      await client.put(userPath(eco.id, id), { body: { email: 42 }, ...token }),
      400,
      invalid({ in: 'body', path: 'email', message: 'expected field to be a string of at most 254 characters' }),
    );
    await expectError(
      await client.put(userPath(eco.id, id), { body: { email: 'not-an-address' }, ...token }),
      400,
      invalid({ in: 'body', path: 'email', message: 'expected field to be an e-mail address' }),
    );
    const notJson = await client.put(userPath(eco.id, id), {
      raw: '{"meta": ',
      headers: { authorization: eco.serverToken, 'content-type': 'application/json' },
    });
    await expectError(notJson, 400, invalid({ in: 'body', path: 'body', message: 'expected the body to be a JSON object' }));
    const access = await json(await client.put(userPath(eco.id, id), { body: { access: [{ environmentId: 7 }, 'x'] }, ...token }));
    expect(access.errors.map((error: { path: string }) => error.path)).toEqual(['access[0].environmentId', 'access[1]']);
    expect((await client.put(userPath(eco.id, id), { body: { access: {} }, ...token })).status).toBe(400);
  });

  it('refuses a grant of an environment of another ecosystem or of none, and changes nothing', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const other = await newEcosystem(client);
    const foreign = await newEnvironment(client, other.id);
    const own = await newEnvironment(client, eco.id);
    const grant = { in: 'body', path: 'access', message: 'names an environment that is not in this ecosystem' };
    for (const environmentId of [foreign, 'no-such-environment']) {
      const response = await client.put(userPath(eco.id, id), {
        body: { meta: { changed: true }, access: [{ environmentId: own }, { environmentId }] },
        ...raw(eco.serverToken),
      });
      await expectError(response, 400, invalid(grant));
    }
    const user = await json(await client.get(userPath(eco.id, id), raw(eco.serverToken)));
    expect(user).toMatchObject({ meta: {}, access: [] });
    const created = await client.put(userPath(eco.id, appUserId()), {
      body: { access: [{ environmentId: foreign }] },
      ...raw(eco.serverToken),
    });
    expect(created.status).toBe(400);
    expect((await json(await client.get(`/api/users?ecosystemId=${eco.id}`, raw(eco.serverToken)))).items).toHaveLength(1);
  });

  it('refuses a user segment that is not ECOSYSTEM-ID;USER-ID or whose user id is too long', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const token = raw(eco.serverToken);
    const userInvalid = invalid({ in: 'path', path: 'userId', message: 'User Invalid: expected a user id of 1 to 256 characters' });
    await expectError(await client.get(userPath(eco.id, 'x'.repeat(257)), token), 400, userInvalid);
    await expectError(await client.put(`/api/users/${eco.id};`, token), 400, userInvalid);
    await expectError(await client.get(`/api/users/${eco.id};a%00b`, token), 400, userInvalid);
    const noSeparator = await client.get(`/api/users/${eco.id}`, token);
    await expectError(
      noSeparator,
      400,
      invalid({ in: 'path', path: 'ecosystemId', message: 'expected the path to name ECOSYSTEM-ID;USER-ID' }),
    );
  });

  it('checks the list query: ecosystemId required, limit and cursor well formed', async () => {
    const client = newClient();
    const eco = await newEcosystem(client);
    const token = raw(eco.serverToken);
    await expectError(
      await client.get('/api/users', token),
      400,
      invalid({ in: 'query', path: 'ecosystemId', message: 'field is required' }),
    );
    for (const limit of ['0', '101', 'ten']) {
      const response = await client.get(`/api/users?ecosystemId=${eco.id}&limit=${limit}`, token);
      expect(response.status).toBe(400);
      expect((await json(response)).errors[0]).toMatchObject({ in: 'query', path: 'limit' });
    }
    const cursor = await json(await client.get(`/api/users?ecosystemId=${eco.id}&cursor=garbage`, token));
    expect(cursor).toMatchObject({ errorType: 'InvalidParams', errors: [{ in: 'query', path: 'cursor' }] });
  });

  it('answers an oversized body with 413 in droplit shape', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const response = await client.put(userPath(eco.id, id), { body: { meta: { blob: 'x'.repeat(70_000) } }, ...raw(eco.serverToken) });
    await expectError(response, 413, {
      errorType: 'PayloadTooLarge',
      errors: [{ in: 'body', path: 'body', message: 'The request body is too large' }],
    });
  });

  it('answers an unknown route with 404 and a wrong method with 405, in droplit shape', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const unknown = await client.get('/api/devices', raw(eco.serverToken));
    await expectError(unknown, 404, { errorType: 'NotFound', errors: [{ in: 'path', path: '', message: 'Route Not Found' }] });
    const wrongMethod = await client.patch(userPath(eco.id, id), { body: {}, ...raw(eco.serverToken) });
    expect(wrongMethod.status).toBe(405);
    expect(await json(wrongMethod)).toMatchObject({ errorType: 'MethodNotAllowed' });
  });
});

describe('droplit callers', () => {
  const unauthorized = {
    errorType: 'Unauthorized',
    errors: [{ in: 'header', path: 'authorization', message: 'An account token or a server token is required' }],
  };

  it('refuses a request without a token, or with an unknown or revoked one, with 401', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    await expectError(await client.get(userPath(eco.id, id)), 401, unauthorized);
    await expectError(await client.get(userPath(eco.id, id), raw('gst_not-a-real-token')), 401, unauthorized);
    await expectError(await client.get(userPath(eco.id, id), raw('two words')), 401, unauthorized);
    const issued = await json(await client.admin('POST', `/admin/v1/ecosystems/${eco.id}/server-tokens`, { body: {} }));
    expect((await client.get(userPath(eco.id, id), raw(issued.token))).status).toBe(200);
    await client.admin('DELETE', `/admin/v1/server-tokens/${issued.id}`);
    await expectError(await client.get(userPath(eco.id, id), raw(issued.token)), 401, unauthorized);
  });

  it('refuses a user token on every ecosystem-level route, even its own user', async () => {
    const client = newClient();
    const { eco, id } = await withUser(client);
    const userToken = (await json(await client.post(userPath(eco.id, id, '/tokens?expiryType=Infinite'), raw(eco.serverToken)))).token;
    const attempts = [
      client.get(userPath(eco.id, id), raw(userToken)),
      client.put(`${userPath(eco.id, id)}?generateToken=true`, { token: userToken }),
      client.post(userPath(eco.id, id, '/tokens'), raw(userToken)),
      client.get(`/api/users?ecosystemId=${eco.id}`, raw(userToken)),
      client.delete(userPath(eco.id, id, '/tokens'), raw(userToken)),
      client.delete(userPath(eco.id, id), raw(userToken)),
    ];
    for (const response of await Promise.all(attempts)) await expectError(response, 401, unauthorized);
    expect((await client.get(userPath(eco.id, id), raw(eco.serverToken))).status).toBe(200);
  });

  it('shows another ecosystem to a server token exactly as a missing one', async () => {
    const client = newClient();
    const mine = await withUser(client);
    const theirs = await withUser(client);
    const token = raw(mine.eco.serverToken);
    const foreign = await client.get(userPath(theirs.eco.id, theirs.id), token);
    const missing = await client.get(userPath('no-such-ecosystem', theirs.id), token);
    await expectError(foreign, 404, notFound('ecosystemId'));
    await expectError(missing, 404, notFound('ecosystemId'));
    const routes = [
      client.put(userPath(theirs.eco.id, theirs.id), { body: { email: uniqueEmail() }, ...token }),
      client.post(userPath(theirs.eco.id, theirs.id, '/tokens'), token),
      client.delete(userPath(theirs.eco.id, theirs.id, '/tokens'), token),
      client.delete(userPath(theirs.eco.id, theirs.id), token),
    ];
    for (const response of await Promise.all(routes)) await expectError(response, 404, notFound('ecosystemId'));
    await expectError(await client.get(`/api/users?ecosystemId=${theirs.eco.id}`, token), 404, notFound('ecosystemId', 'query'));
    expect((await json(await client.get(userPath(theirs.eco.id, theirs.id), raw(theirs.eco.serverToken)))).email).toBeNull();
  });

  it('answers 404 User Not Found for a user the ecosystem does not hold', async () => {
    const client = newClient();
    const { eco } = await withUser(client);
    const token = raw(eco.serverToken);
    const missing = appUserId();
    await expectError(await client.get(userPath(eco.id, missing), token), 404, notFound('userId'));
    await expectError(await client.post(userPath(eco.id, missing, '/tokens'), token), 404, notFound('userId'));
    await expectError(await client.delete(userPath(eco.id, missing), token), 404, notFound('userId'));
    await expectError(await client.delete(userPath(eco.id, missing, '/tokens'), token), 404, notFound('userId'));
  });
});
