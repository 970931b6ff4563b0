// Forward-auth (/auth/verify) and /oauth/userinfo are scoped to a tenant: a droplit user token of
// another ecosystem (any backend holding a server token can mint one, with any e-mail) is refused
// exactly as an invalid token unless the caller names that ecosystem or "*".
import { describe, expect, it } from 'vitest';
import { createUser, logIn } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, type Client } from '../support/driver';
import { appUser, droplitToken, ecosystemWithEnvironments } from '../gateway/support';

async function foreignToken(client: Client): Promise<{ ecosystemId: string; token: string }> {
  const ecosystem = await ecosystemWithEnvironments(client);
  const path = await appUser(client, ecosystem.id);
  return { ecosystemId: ecosystem.id, token: await droplitToken(client, path, 'Infinite') };
}

async function answer(response: Response) {
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    userId: response.headers.get('x-user-id'),
    body: JSON.stringify({ ...(await response.json<Record<string, unknown>>()), requestId: undefined }),
  };
}

describe('forward-auth for one ecosystem', () => {
  it('refuses a token of another ecosystem exactly as an invalid token', async () => {
    const client = newClient();
    const { token } = await foreignToken(client);
    const foreign = await answer(await client.get('/auth/verify', { token }));
    const invalid = await answer(await client.get('/auth/verify', { token: `${token.slice(0, -4)}AAAA` }));
    expect(foreign.status).toBe(401);
    expect(foreign.userId).toBeNull();
    expect(foreign).toEqual(invalid);
  });

  it('accepts it when the proxy names its ecosystem or any, and then the default one’s only with "*"', async () => {
    const client = newClient();
    const { ecosystemId, token } = await foreignToken(client);
    const named = await client.get(`/auth/verify?ecosystem=${ecosystemId}`, { token });
    expect(named.status).toBe(200);
    expect(named.headers.get('x-ecosystem-id')).toBe(ecosystemId);
    expect((await client.get('/auth/verify?ecosystem=*', { token })).status).toBe(200);
    const { access_token } = await logIn(client, await createUser(client));
    expect((await client.get('/auth/verify', { token: access_token })).status).toBe(200);
    expect((await client.get('/auth/verify?ecosystem=*', { token: access_token })).status).toBe(200);
    expect((await client.get(`/auth/verify?ecosystem=${ecosystemId}`, { token: access_token })).status).toBe(401);
  });

  it('answers 400 for a malformed ecosystem parameter', async () => {
    const client = newClient();
    const { ecosystemId, token } = await foreignToken(client);
    for (const query of ['ecosystem=', `ecosystem=${ecosystemId}&ecosystem=*`, `ecosystem=${'x'.repeat(65)}`, 'ecosystem=a%00b']) {
      const response = await client.get(`/auth/verify?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: 'INVALID_FIELD' } });
    }
  });
});

describe('userinfo for one ecosystem', () => {
  it('refuses a token of another ecosystem as an invalid token, and answers it when asked for that ecosystem', async () => {
    const client = newClient();
    const { ecosystemId, token } = await foreignToken(client);
    const foreign = await client.get('/oauth/userinfo', { token });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');
    expect(await json(foreign)).toMatchObject({ error: 'invalid_token' });
    expect((await client.post('/oauth/userinfo', { token })).status).toBe(401);
    const named = await client.get(`/oauth/userinfo?ecosystem=${ecosystemId}`, { token });
    expect(named.status).toBe(200);
    expect(await json(named)).toMatchObject({ eco: ecosystemId });
    expect((await client.get('/oauth/userinfo?ecosystem=*', { token })).status).toBe(200);
  });
});

describe('forward-auth for websites (browser cookies)', () => {
  const ACCESS = '__Host-gatehouse-access';

  it('with ?login=1 answers 401 with a Location to the hosted sign-in, back to the original path', async () => {
    const client = newClient();
    const nginx = await client.get('/auth/verify?login=1', { headers: { 'X-Original-URI': '/wiki/page?rev=2' } });
    expect(nginx.status).toBe(401);
    expect(nginx.headers.get('location')).toBe(`https://gatehouse.test/signin?return=${encodeURIComponent('/wiki/page?rev=2')}`);
    expect(nginx.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const traefik = await client.get('/auth/verify?login=1', { headers: { 'X-Forwarded-Uri': '/a', 'X-Original-URI': '/b' } });
    expect(traefik.headers.get('location')).toBe('https://gatehouse.test/signin?return=%2Fa');
    for (const original of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await client.get('/auth/verify?login=1', { headers: { 'X-Original-URI': original } });
      expect(response.headers.get('location'), original).toBe('https://gatehouse.test/signin?return=%2F');
    }
    const bad = await client.get('/auth/verify?login=1', { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('location')).toBe('https://gatehouse.test/signin?return=%2F');
    const plain = await client.get('/auth/verify', { headers: { 'X-Original-URI': '/wiki/page' } });
    expect(plain.status).toBe(401);
    expect(plain.headers.get('location')).toBeNull();
  });

  it('sends a browser of a second website host (WEBSITE_ORIGINS) to sign in on that host, whose forms pass the origin check', async () => {
    const client = newClient({ vars: { WEBSITE_ORIGINS: 'https://wiki2.example, http://localhost:8080' } });
    const at = (headers: Record<string, string>) =>
      client.get('/auth/verify?login=1', { headers: { 'X-Forwarded-Uri': '/page', ...headers } });
    const listed = await at({ 'X-Forwarded-Host': 'wiki2.example', 'X-Forwarded-Proto': 'https' });
    expect(listed.status).toBe(401);
    expect(listed.headers.get('location')).toBe('https://wiki2.example/signin?return=%2Fpage');
    expect((await at({ 'X-Forwarded-Host': 'localhost:8080', 'X-Forwarded-Proto': 'http' })).headers.get('location')).toBe(
      'http://localhost:8080/signin?return=%2Fpage',
    );
    // A host nobody listed (or the right host over http) gets PUBLIC_URL's sign-in, never its own.
    const unlisted: Record<string, string>[] = [
      { 'X-Forwarded-Host': 'evil.example' },
      { 'X-Forwarded-Host': 'wiki2.example', 'X-Forwarded-Proto': 'http' },
      {},
    ];
    for (const headers of unlisted) {
      expect((await at(headers)).headers.get('location'), JSON.stringify(headers)).toBe('https://gatehouse.test/signin?return=%2Fpage');
    }
    // The pages served on that host take its forms; another site's are refused.
    const user = await createUser(client);
    const browser = newBrowser(client);
    const csrf = await browser.csrfOf('/signin?return=%2Fpage');
    const fields = { csrf, login: user.email, password: user.password, return: '/page' };
    const elsewhere = await browser.submit('/signin', fields, { headers: { origin: 'https://evil.example' } });
    expect(elsewhere.status).toBe(403);
    const fromWiki2 = await browser.submit('/signin', fields, { headers: { origin: 'https://wiki2.example' } });
    expect(fromWiki2.status).toBe(303);
    expect(fromWiki2.headers.get('location')).toBe('/page');
    // A value that is no origin is refused at startup, as every bad setting is.
    const broken = newClient({ vars: { WEBSITE_ORIGINS: 'https://wiki2.example/path' } });
    const refused = await broken.get('/auth/verify?login=1');
    expect(refused.status).toBe(500);
    expect(await json(refused)).toMatchObject({ error: { code: 'CONFIGURATION', message: expect.stringContaining('WEBSITE_ORIGINS') } });
  });

  it('answers 200 with the identity and a renewed access cookie for the session cookie, then takes the access cookie', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    await browser.signIn(user.email, user.password, '/wiki/');
    const first = await browser.get('/auth/verify?login=1');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-user-id')).toBe(user.id);
    expect(first.headers.get('location')).toBeNull();
    expect(first.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Host-gatehouse-access=eyJ[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Lax$/),
    ]);
    browser.cookies.delete('__Host-gatehouse-session');
    const second = await browser.get('/auth/verify');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-user-id')).toBe(user.id);
    expect(second.headers.getSetCookie()).toEqual([]);
    // Another ecosystem's scope refuses the same browser, as it refuses a token.
    expect((await browser.get('/auth/verify?ecosystem=other')).status).toBe(401);
  });

  it('refuses the access cookie of a signed-out session, clearing it, and sends the browser to sign in', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    await browser.signIn(user.email, user.password, '/wiki/');
    await browser.get('/auth/verify');
    const token = browser.cookies.get(ACCESS)!;
    const csrf = await browser.csrfOf('/signout');
    await browser.submit('/signout', { csrf, return: '/signin' });
    browser.cookies.set(ACCESS, token);
    const refused = await browser.get('/auth/verify?login=1', { headers: { 'X-Original-URI': '/wiki/' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('location')).toBe('https://gatehouse.test/signin?return=%2Fwiki%2F');
    expect(refused.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-gatehouse-access=; Max-Age=0/)]);
  });
});
