// The typed client's droplit flow against the Worker in workerd: the operator makes an ecosystem,
// an environment and a server token; the backend registers a user by its own id, issues all three
// kinds of user token as droplit's SDK did, pages through users and logs the user out.
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../client/src/index.ts';
import { claimsOf, verifyStatus } from '../support/accounts';
import { newClient, uniqueEmail } from '../support/driver';
import { all, gatehouseFor } from './support';

describe('the typed client on the droplit Users API', () => {
  it('runs a full droplit flow: ecosystem, server token, user, the three token types, logout', async () => {
    const client = newClient();
    const operator = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const eco = await operator.admin.ecosystems.create('client-flow');
    const env = await operator.admin.environments.create(eco.id, 'home');
    expect(env).toMatchObject({ ecosystemId: eco.id, name: 'home' });
    const issued = await operator.admin.serverTokens.create(eco.id, 'backend');

    const { gatehouse: backend, urls } = gatehouseFor(client, { serverToken: issued.token });
    const userId = `auth0|${crypto.randomUUID()};x`;
    const email = uniqueEmail('sdk');
    const created = await backend.users.put(eco.id, userId, { email, meta: { plan: 'pro' }, access: [{ environmentId: env.id }] });
    expect(created.created).toBe(true);
    expect(created.user).toMatchObject({ id: `${eco.id};${userId}`, uniqueId: userId, email, meta: { plan: 'pro' } });
    expect(created.user.access).toEqual([{ environmentId: env.id, accessLevel: 'all' }]);
    // droplit's path: a literal `;` between the ids, the user id percent-encoded once.
    expect(urls.at(-1)).toBe(`https://gatehouse.test/api/users/${eco.id};${encodeURIComponent(userId)}`);

    const updated = await backend.users.put(eco.id, userId, { meta: { plan: 'team' } });
    expect(updated).toMatchObject({ created: false, user: { email, meta: { plan: 'team' } } });
    expect(await backend.users.get(eco.id, userId)).toEqual(updated.user);

    // droplit.users.createToken("ECOSYSTEM-ID", "USER-ID", TTL, "EXPIRY-TYPE")
    const fixed = await backend.users.createToken(eco.id, userId, 600, 'FixedTtl');
    const sliding = await backend.users.createToken(eco.id, userId, 90, 'SlidingTtl');
    const infinite = await backend.users.createToken(eco.id, userId, 3600, 'Infinite');
    const byDefault = await backend.users.createToken(eco.id, userId);
    expect(claimsOf(fixed)).toMatchObject({ eco: eco.id, uid: userId, ext: 'FixedTtl', ttl: 600 });
    expect(claimsOf(sliding)).toMatchObject({ ext: 'SlidingTtl', ttl: 90 });
    expect(claimsOf(infinite)).toMatchObject({ ext: 'Infinite' });
    expect(claimsOf(infinite).exp).toBeUndefined();
    expect(claimsOf(byDefault)).toMatchObject({ ext: 'FixedTtl', ttl: 3600 });
    const generated = await backend.users.put(eco.id, userId, undefined, { generateToken: true, expiryType: 'SlidingTtl', ttl: 300 });
    expect(generated.created).toBe(false);
    expect(claimsOf(generated.token)).toMatchObject({ ext: 'SlidingTtl', ttl: 300 });
    for (const token of [fixed, sliding, infinite, generated.token]) expect(await verifyStatus(client, token)).toBe(200);

    await backend.logout(eco.id, userId);
    for (const token of [fixed, sliding, infinite, generated.token]) expect(await verifyStatus(client, token)).toBe(401);
    // A token issued after the logout works again.
    expect(await verifyStatus(client, await backend.users.createToken(eco.id, userId))).toBe(200);

    await backend.users.delete(eco.id, userId);
    await expect(backend.users.get(eco.id, userId)).rejects.toMatchObject({
      status: 404,
      code: 'NotFound',
      message: 'userId: User Not Found',
    });
  });

  it('pages through an ecosystem with users.list, an array per page', async () => {
    const client = newClient();
    const { gatehouse } = gatehouseFor(client, { accountToken: client.accountToken });
    const eco = await gatehouse.admin.ecosystems.create('paging');
    const ids = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${letter}-${crypto.randomUUID()}`);
    for (const id of ids) await gatehouse.users.put(eco.id, id);
    const listed = await all(gatehouse.users.list(eco.id, { limit: 2 }));
    expect(listed.pages).toBe(3);
    expect(listed.items.map((user) => user.uniqueId).sort()).toEqual([...ids].sort());
  });

  it("throws one GatehouseError with droplit's error type and messages, never the token", async () => {
    const client = newClient();
    const operator = gatehouseFor(client, { accountToken: client.accountToken }).gatehouse;
    const eco = await operator.admin.ecosystems.create('errors');
    const issued = await operator.admin.serverTokens.create(eco.id);
    const { gatehouse: backend, urls } = gatehouseFor(client, { serverToken: issued.token });
    await backend.users.put(eco.id, 'u1');

    const badTtl = await backend.users.createToken(eco.id, 'u1', -5).catch((error: unknown) => error);
    expect(badTtl).toBeInstanceOf(GatehouseError);
    expect(badTtl).toMatchObject({
      status: 400,
      code: 'InvalidParams',
      issues: [{ in: 'query', path: 'ttl', message: 'expected field to be a number' }],
    });

    await expect(backend.users.createToken(eco.id, 'nobody')).rejects.toMatchObject({ status: 404, code: 'NotFound' });

    await operator.admin.serverTokens.revoke(issued.id);
    const refused = (await backend.users.get(eco.id, 'u1').catch((error: unknown) => error)) as GatehouseError;
    expect(refused).toMatchObject({ status: 401, code: 'Unauthorized' });
    expect(JSON.stringify({ ...refused, message: refused.message, stack: refused.stack })).not.toContain(issued.token);

    // No token at all: refused before any request is sent.
    const before = urls.length;
    const anonymous = gatehouseFor(client).gatehouse;
    await expect(anonymous.users.get(eco.id, 'u1')).rejects.toMatchObject({ status: 0, code: 'NO_TOKEN' });
    expect(urls).toHaveLength(before);
  });
});
