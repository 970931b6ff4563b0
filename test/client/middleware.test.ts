// The example Worker's middleware (examples/protected-worker) with a service binding whose fetch
// reaches the Gatehouse Worker in workerd, and the same middleware over the public JWKS.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gatehouseAuth, type GatehouseVariables } from '../../client/src/index.ts';
import { app, type Env } from '../../examples/protected-worker/src/index.ts';
import { createUser, logIn } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { BASE_URL, gatehouseFor } from './support';

/** The example's env with a binding to the test client's Worker; tokens of any ecosystem unless `ecosystem` says otherwise. */
function bindingEnv(client: Client, ecosystem: { GATEHOUSE_ECOSYSTEM?: string } = { GATEHOUSE_ECOSYSTEM: '*' }): Env {
  return { GATEHOUSE: { fetch: client.fetch } as unknown as Fetcher, GATEHOUSE_URL: BASE_URL, ...ecosystem };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function droplitToken(client: Client) {
  const { gatehouse } = gatehouseFor(client, { accountToken: client.accountToken });
  const eco = await gatehouse.admin.ecosystems.create('protected');
  const userId = `user-${crypto.randomUUID()}`;
  await gatehouse.users.put(eco.id, userId, { email: `${userId}@example.com` });
  return { gatehouse, eco: eco.id, userId, token: await gatehouse.users.createToken(eco.id, userId, 600, 'SlidingTtl') };
}

describe('the example protected Worker, through a service binding', () => {
  it('answers 401 with a Bearer challenge without a token or with a bad one, and lets the public route through', async () => {
    const env = bindingEnv(newClient());
    expect((await app.request('/', {}, env)).status).toBe(200);
    const missing = await app.request('/me', {}, env);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse"');
    expect((await json(missing)).error.code).toBe('UNAUTHENTICATED');
    const bad = await app.request('/me/greeting', bearer('not.a.token'), env);
    expect(bad.status).toBe(401);
    expect(bad.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');
    const basic = await app.request('/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }, env);
    expect(basic.status).toBe(401);
  });

  it('sets c.var.gatehouse for an access token and a droplit user token, and refuses the user token once logged out', async () => {
    const client = newClient();
    const env = bindingEnv(client);
    const user = await createUser(client);
    const { access_token } = await logIn(client, user);
    const me = await app.request('/me', bearer(access_token), env);
    expect(me.status).toBe(200);
    expect(await json(me)).toEqual({ userId: user.id, email: user.email, role: 'user', ecosystemId: 'default' });

    const droplit = await droplitToken(client);
    const greeting = await app.request('/me/greeting', bearer(droplit.token), env);
    expect(greeting.status).toBe(200);
    expect(await greeting.text()).toBe(`Hello, ${droplit.userId}@example.com.\n`);
    expect((await json(await app.request('/me', bearer(droplit.token), env))).ecosystemId).toBe(droplit.eco);

    await droplit.gatehouse.logout(droplit.eco, droplit.userId);
    const loggedOut = await app.request('/me', bearer(droplit.token), env);
    expect(loggedOut.status).toBe(401);
    expect(loggedOut.headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
  });

  it("keeps to Gatehouse's default ecosystem unless told otherwise", async () => {
    const client = newClient();
    const env = bindingEnv(client, {});
    const droplit = await droplitToken(client);
    expect((await app.request('/me', bearer(droplit.token), env)).status).toBe(401);
    const { access_token } = await logIn(client, await createUser(client));
    expect((await app.request('/me', bearer(access_token), env)).status).toBe(200);
  });

  it('answers 503, not 401, when Gatehouse cannot be reached', async () => {
    const client = newClient();
    const { access_token } = await logIn(client, await createUser(client));
    const down = { GATEHOUSE: { fetch: () => Promise.reject(new Error('network')) } as unknown as Fetcher, GATEHOUSE_URL: BASE_URL };
    const response = await app.request('/me', bearer(access_token), down);
    expect(response.status).toBe(503);
    expect(response.headers.get('WWW-Authenticate')).toBeNull();
  });
});

describe('the middleware over the public JWKS', () => {
  it('checks signature and expiry locally, and (as its doc says) does not see a logout', async () => {
    const client = newClient();
    const protectedApp = new Hono<{ Variables: GatehouseVariables }>();
    protectedApp.use(
      '*',
      gatehouseAuth({ jwksUrl: `${BASE_URL}/.well-known/jwks.json`, fetch: client.fetch, issuer: BASE_URL, audience: 'gatehouse' }),
    );
    protectedApp.get('/whoami', (c) => c.json({ userId: c.var.gatehouse.userId, uid: c.var.gatehouse.claims?.uid }));

    const droplit = await droplitToken(client);
    const ok = await protectedApp.request('/whoami', bearer(droplit.token));
    expect(ok.status).toBe(200);
    expect((await json(ok)).uid).toBe(droplit.userId);
    const tampered = `${droplit.token.slice(0, -4)}AAAA`;
    const refused = await protectedApp.request('/whoami', bearer(tampered));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('WWW-Authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');

    await droplit.gatehouse.logout(droplit.eco, droplit.userId);
    expect((await protectedApp.request('/whoami', bearer(droplit.token))).status).toBe(200);
  });
});
