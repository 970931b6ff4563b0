import { decodeJwt } from 'jose';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { sessions } from '../../src/store/schema';
import { json } from '../support/driver';
import {
  appUser,
  coreDeps,
  droplitToken,
  ecosystemWithEnvironments,
  gatewayClient,
  ORIGIN,
  resetOrigin,
  signedInUser,
  stubOrigin,
} from './support';

afterEach(resetOrigin);

describe('what a route requires', () => {
  it('lets only the named roles through a role route', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/ops/', require: { role: ['admin', 'moderator'] } }]);
    const moderator = await signedInUser(client, { role: 'moderator' });
    const developer = await signedInUser(client, { role: 'developer' });
    expect((await client.get('/ops/x', { token: moderator.accessToken })).status).toBe(200);
    const refused = await client.get('/ops/x', { token: developer.accessToken });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(origin.calls).toHaveLength(1);
  });

  it('lets callers at or above a permission level through', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/mod/', require: { permissionLevel: 1 } }]);
    const admin = await signedInUser(client, { role: 'admin' });
    const moderator = await signedInUser(client, { role: 'moderator' });
    const standard = await signedInUser(client);
    expect((await client.get('/mod/x', { token: admin.accessToken })).status).toBe(200);
    expect((await client.get('/mod/x', { token: moderator.accessToken })).status).toBe(200);
    expect((await client.get('/mod/x', { token: standard.accessToken })).status).toBe(403);
    expect(origin.calls).toHaveLength(2);
  });

  it('picks the most specific prefix, whatever the order of the routes', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([
      { prefix: '/app/', origin: 'https://app.test' },
      { prefix: '/app/admin/', origin: 'https://admin.test', require: { role: 'admin' } },
    ]);
    const user = await signedInUser(client);
    expect((await client.get('/app/admin/x', { token: user.accessToken })).status).toBe(403);
    expect((await client.get('/app/x', { token: user.accessToken })).status).toBe(200);
    expect(origin.calls.map((call) => call.url)).toEqual(['https://app.test/app/x']);
  });

  it('accepts tokens of a named ecosystem only, or of any with "*"', async () => {
    const origin = stubOrigin();
    const { id } = await ecosystemWithEnvironments(gatewayClient([]));
    const client = gatewayClient([
      { prefix: '/acme/', ecosystem: id },
      { prefix: '/any/', ecosystem: '*' },
    ]);
    const member = await droplitToken(client, await appUser(client, id), 'FixedTtl');
    const local = (await signedInUser(client)).accessToken;
    expect((await client.get('/acme/x', { token: member })).status).toBe(200);
    expect((await client.get('/acme/x', { token: local })).status).toBe(403);
    expect((await client.get('/any/x', { token: member })).status).toBe(200);
    expect((await client.get('/any/x', { token: local })).status).toBe(200);
    expect(origin.calls.map((call) => call.headers.get('x-ecosystem-id'))).toEqual([id, id, 'default']);
  });

  it('forwards a public route without a token, still stripping identity headers and credentials', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/open/', require: { public: true } }]);
    const user = await signedInUser(client);
    const response = await client.get('/open/x?q=1', { token: user.accessToken, headers: { 'X-User-Id': 'forged' } });
    expect(response.status).toBe(200);
    expect((await client.get('/open/y')).status).toBe(200);
    const headers = origin.calls[0]!.headers;
    expect(headers.get('x-user-id')).toBeNull();
    expect(headers.get('x-gatehouse-assertion')).toBeNull();
    expect(headers.get('authorization')).toBeNull();
    expect(origin.calls.map((call) => call.url)).toEqual([`${ORIGIN}/open/x?q=1`, `${ORIGIN}/open/y`]);
  });

  it('checks revocation against D1 on a strict route, before the edge cache would notice', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/bank/', strict: true }, { prefix: '/app/' }]);
    const user = await signedInUser(client);
    expect((await client.get('/bank/x', { token: user.accessToken })).status).toBe(200);
    expect((await client.get('/app/x', { token: user.accessToken })).status).toBe(200);
    // Revoked in D1 only, as if by another isolate whose KV write has not arrived yet.
    const deps = await coreDeps(client);
    await deps.db.update(sessions).set({ revokedAt: client.clock.ms }).where(eq(sessions.userId, user.id));
    expect((await client.get('/bank/x', { token: user.accessToken })).status).toBe(401);
    expect((await client.get('/app/x', { token: user.accessToken })).status).toBe(200);
    expect(origin.calls.map((call) => new URL(call.url).pathname)).toEqual(['/bank/x', '/app/x', '/app/x']);
  });
});

describe('environment routes and droplit user tokens', () => {
  const routes = [{ prefix: '/environments/:environmentId/', require: { environment: ':environmentId' } }];

  it('lets a user token reach the environments its user was granted, and nothing else', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(routes);
    const { id, environments } = await ecosystemWithEnvironments(client);
    const [prod, staging] = environments;
    const token = await droplitToken(client, await appUser(client, id, [prod]), 'FixedTtl', 600);
    const allowed = await client.get(`/environments/${prod}/data`, { headers: { authorization: token } });
    expect(allowed.status).toBe(200);
    expect(origin.calls[0]!.url).toBe(`${ORIGIN}/environments/${prod}/data`);
    expect(origin.calls[0]!.headers.get('x-ecosystem-id')).toBe(id);
    expect((await client.get(`/environments/${staging}/data`, { token })).status).toBe(403);
    expect((await client.get('/environments/not-an-environment/data', { token })).status).toBe(403);
    expect(origin.calls).toHaveLength(1);
  });

  it('reads grants from D1 on a strict route, whatever KV holds', async () => {
    stubOrigin();
    const client = gatewayClient([{ prefix: '/environments/:environmentId/', require: { environment: ':environmentId' }, strict: true }]);
    const { id, environments } = await ecosystemWithEnvironments(client);
    const [prod, staging] = environments;
    const path = await appUser(client, id, [prod]);
    const token = await droplitToken(client, path, 'Infinite');
    expect((await client.admin('PUT', path, { body: { access: [{ environmentId: staging }] } })).status).toBe(200);
    // KV holds an older set (two changes published out of order): the strict route asks D1.
    const { sub } = decodeJwt(token) as { sub: string };
    await client.env.TOKENS.put(`grants:${sub}`, JSON.stringify([prod]));
    const fresh = gatewayClient([{ prefix: '/environments/:environmentId/', require: { environment: ':environmentId' }, strict: true }]);
    expect((await fresh.get(`/environments/${prod}/x`, { token })).status).toBe(403);
    expect((await fresh.get(`/environments/${staging}/x`, { token })).status).toBe(200);
  });

  it('follows a change of grants made through the droplit face', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(routes);
    const { id, environments } = await ecosystemWithEnvironments(client);
    const [prod, staging] = environments;
    const path = await appUser(client, id, [prod]);
    const token = await droplitToken(client, path, 'Infinite');
    expect((await client.get(`/environments/${staging}/x`, { token })).status).toBe(403);
    expect((await client.admin('PUT', path, { body: { access: [{ environmentId: staging }] } })).status).toBe(200);
    expect((await client.get(`/environments/${staging}/x`, { token })).status).toBe(200);
    expect((await client.get(`/environments/${prod}/x`, { token })).status).toBe(403);
    expect(origin.calls).toHaveLength(1);
  });

  it('stops a user token at the edge once the application logs its user out', async () => {
    const origin = stubOrigin();
    const client = gatewayClient(routes);
    const { id, environments } = await ecosystemWithEnvironments(client);
    const path = await appUser(client, id, environments);
    const token = await droplitToken(client, path, 'Infinite');
    expect((await client.get(`/environments/${environments[0]}/x`, { token })).status).toBe(200);
    expect((await client.admin('DELETE', `${path}/tokens`)).status).toBe(200);
    const refused = await client.get(`/environments/${environments[0]}/x`, { token });
    expect(refused.status).toBe(401);
    expect(await json(refused)).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
    expect(origin.calls).toHaveLength(1);
  });

  it('keeps a busy SlidingTtl token alive past its ttl and lets an idle one expire', async () => {
    stubOrigin();
    const client = gatewayClient(routes);
    const { id, environments } = await ecosystemWithEnvironments(client);
    const token = await droplitToken(client, await appUser(client, id, environments), 'SlidingTtl', 300);
    const path = `/environments/${environments[0]}/x`;
    for (let minute = 0; minute < 10; minute += 1) {
      expect((await client.get(path, { token })).status).toBe(200);
      client.clock.advance(60);
    }
    client.clock.advance(301);
    const expired = await client.get(path, { token });
    expect(expired.status).toBe(401);
    expect(await json(expired)).toMatchObject({ error: { code: 'TOKEN_EXPIRED' } });
  });
});
