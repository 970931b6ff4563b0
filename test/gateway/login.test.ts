// Website routes ("login": true), as a browser meets them: sent to the hosted sign-in, let in by
// an access cookie renewed from the browser session, never showing the origin a Gatehouse cookie,
// and shut out again by sign-out or a disabled account. API requests on such a route still get 401.
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { kvKeys } from '../../src/store/kv';
import { createUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { json, type Client } from '../support/driver';
import { gatewayClient, resetOrigin, signedInUser, stubOrigin } from './support';

afterEach(resetOrigin);

const ACCESS = '__Host-gatehouse-access';
const SESSION = '__Host-gatehouse-session';
const CSRF = '__Host-gatehouse-csrf';
const TTL = 3600;

function websiteClient(): Client {
  return gatewayClient([{ prefix: '/site/', login: true }, { prefix: '/api-x/' }, { prefix: '/open/', require: { public: true } }]);
}

const accessCookieLine = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith(`${ACCESS}=`));

/** A browser signed in on the client's hosted pages. */
async function signedInBrowser(client: Client): Promise<{ browser: Browser; userId: string; email: string }> {
  const user = await createUser(client);
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password, '/site/')).status).toBe(303);
  return { browser, userId: user.id, email: user.email };
}

async function signOut(browser: Browser): Promise<Response> {
  const csrf = await browser.csrfOf('/signout');
  return browser.submit('/signout', { csrf, return: '/signin' });
}

describe('a website route', () => {
  it('sends a first visit to the hosted sign-in with the path and query to come back to', async () => {
    const origin = stubOrigin();
    const browser = newBrowser(websiteClient());
    const response = await browser.get('/site/reports/q3?year=2026&x=%C3%A9');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/signin?return=${encodeURIComponent('/site/reports/q3?year=2026&x=%C3%A9')}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const head = await websiteClient().fetch('https://gatehouse.test/site/', {
      method: 'HEAD',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(head.status).toBe(302);
    expect(origin.calls).toHaveLength(0);
  });

  it('after sign-in reaches the origin with identity headers and sets an HttpOnly, Secure, Lax __Host- access cookie', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser, userId, email } = await signedInBrowser(client);
    const first = await browser.get('/site/');
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('from the origin');
    const line = accessCookieLine(first)!;
    expect(line).toMatch(/^__Host-gatehouse-access=eyJ[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(line).not.toMatch(/Domain=/i);
    expect(origin.calls[0]!.headers.get('x-user-id')).toBe(userId);
    expect(origin.calls[0]!.headers.get('x-user-email')).toBe(email);
    expect(origin.calls[0]!.headers.get('x-gatehouse-assertion')).toMatch(/^eyJ/);
    // The next visit is let in by the access cookie: nothing renewed.
    const second = await browser.get('/site/next');
    expect(second.status).toBe(200);
    expect(accessCookieLine(second)).toBeUndefined();
    expect(origin.calls.map((call) => call.headers.get('x-user-id'))).toEqual([userId, userId]);
  });

  it('keeps the origin’s own Set-Cookie lines beside the access cookie', async () => {
    stubOrigin(
      () =>
        new Response('ok', {
          headers: [
            ['Set-Cookie', 'a=1; Path=/'],
            ['Set-Cookie', 'b=2; Path=/'],
          ],
        }),
    );
    const { browser } = await signedInBrowser(websiteClient());
    const response = await browser.get('/site/');
    expect(response.headers.getSetCookie().map((line) => line.split('=')[0])).toEqual(['a', 'b', ACCESS]);
  });

  it('never forwards the access, session or CSRF cookie, on any route, and keeps the origin’s own', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser } = await signedInBrowser(client);
    await browser.get('/site/');
    await browser.csrfOf('/signout');
    expect([...browser.cookies.keys()].sort()).toEqual([ACCESS, CSRF, SESSION].sort());
    browser.cookies.set('theme', 'dark');
    const token = (await signedInUser(client)).accessToken;
    expect((await browser.get('/site/x')).status).toBe(200);
    expect((await browser.get('/api-x/x', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await browser.get('/open/x')).status).toBe(200);
    expect(origin.calls.map((call) => call.headers.get('cookie'))).toEqual([null, 'theme=dark', 'theme=dark', 'theme=dark']);
  });

  it('renews an expired or missing access cookie from the browser session', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser, userId } = await signedInBrowser(client);
    await browser.get('/site/');
    const old = browser.cookies.get(ACCESS)!;
    client.clock.advance(TTL + 1);
    // The jar still sends the expired token (a browser whose clock is behind would).
    const renewed = await browser.get('/site/later');
    expect(renewed.status).toBe(200);
    expect(accessCookieLine(renewed)).toBeDefined();
    expect(browser.cookies.get(ACCESS)).not.toBe(old);
    browser.cookies.delete(ACCESS);
    const again = await browser.get('/site/again');
    expect(again.status).toBe(200);
    expect(accessCookieLine(again)).toBeDefined();
    expect(origin.calls.map((call) => call.headers.get('x-user-id'))).toEqual([userId, userId, userId]);
  });

  it('answers a request that is not a page navigation with 401, cookies or not', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const anonymous = newBrowser(client);
    const api = await anonymous.get('/site/data', { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(api.headers.get('location')).toBeNull();
    expect(await json(api)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const post = await client.post('/site/form', { form: { a: '1' }, headers: { accept: 'text/html' } });
    expect(post.status).toBe(401);
    // A bad bearer token is refused as on any route, even for a page navigation.
    expect((await anonymous.get('/site/', { token: 'not-a-token' })).status).toBe(401);
    // The browser's cookies let an XHR of the signed-in page through.
    const { browser } = await signedInBrowser(client);
    expect((await browser.get('/site/data', { headers: { accept: 'application/json' } })).status).toBe(200);
    expect(origin.calls).toHaveLength(1);
  });

  it('still takes a bearer token, and checks the route’s needs against the cookie’s identity', async () => {
    const origin = stubOrigin();
    const client = gatewayClient([{ prefix: '/staff/', login: true, require: { role: 'admin' } }]);
    const admin = await signedInUser(client, { role: 'admin' });
    expect((await client.get('/staff/x', { token: admin.accessToken })).status).toBe(200);
    const { browser } = await signedInBrowser(client);
    const refused = await browser.get('/staff/x');
    expect(refused.status).toBe(403);
    expect(origin.calls).toHaveLength(1);
  });

  it('ends at sign-out: the next visit goes to sign-in, and the old access cookie is refused at once', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser } = await signedInBrowser(client);
    expect((await browser.get('/site/')).status).toBe(200);
    const oldToken = browser.cookies.get(ACCESS)!;
    const out = await signOut(browser);
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((line) => line.startsWith(`${ACCESS}=;`))).toMatch(/Max-Age=0/);
    expect(browser.cookies.has(ACCESS)).toBe(false);
    expect((await browser.get('/site/')).status).toBe(302);
    // The token kept from before, as a cookie or a bearer token, is refused at once here.
    browser.cookies.set(ACCESS, oldToken);
    const stale = await browser.get('/site/');
    expect(stale.status).toBe(302);
    expect(accessCookieLine(stale)).toMatch(/^__Host-gatehouse-access=; Max-Age=0/);
    const bearer = await client.get('/site/', { token: oldToken });
    expect(bearer.status).toBe(401);
    expect(await json(bearer)).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
    // Other locations learn it from the session's rev:<sid> mark in KV.
    const sid = decodeJwt(oldToken).sid as string;
    expect(await client.env.TOKENS.get(kvKeys.revokedSession(sid))).not.toBeNull();
    const elsewhere = websiteClient();
    expect((await elsewhere.get('/site/', { token: oldToken })).status).toBe(401);
    expect(origin.calls).toHaveLength(1);
  });

  it('does not renew a revoked access cookie from another live session, and lets the browser in once it is gone', async () => {
    stubOrigin();
    const client = websiteClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    await browser.signIn(user.email, user.password, '/site/');
    await browser.get('/site/');
    const revoked = browser.cookies.get(ACCESS)!;
    await signOut(browser);
    await browser.signIn(user.email, user.password, '/site/');
    browser.cookies.set(ACCESS, revoked);
    const refused = await browser.get('/site/');
    expect(refused.status).toBe(302);
    expect(browser.cookies.has(ACCESS)).toBe(false);
    const admitted = await browser.get('/site/');
    expect(admitted.status).toBe(200);
    expect(browser.cookies.get(ACCESS)).not.toBe(revoked);
  });

  it('shuts a disabled user out, access cookie and session alike', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser, userId } = await signedInBrowser(client);
    expect((await browser.get('/site/')).status).toBe(200);
    expect((await client.admin('PATCH', `/admin/v1/users/${userId}`, { body: { disabled: true } })).status).toBe(200);
    expect((await browser.get('/site/')).status).toBe(302);
    browser.cookies.delete(ACCESS);
    expect((await browser.get('/site/')).status).toBe(302);
    expect((await browser.get('/site/', { headers: { accept: 'application/json' } })).status).toBe(401);
    expect(origin.calls).toHaveLength(1);
  });

  it('does not let the browser session in on a route without "login"', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser } = await signedInBrowser(client);
    await browser.get('/site/');
    const response = await browser.get('/api-x/x');
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
    expect(origin.calls).toHaveLength(1);
  });

  it('returns to the bare path when the path and query are too long to keep', async () => {
    stubOrigin();
    const browser = newBrowser(websiteClient());
    const response = await browser.get(`/site/x?q=${'a'.repeat(9000)}`);
    expect(response.headers.get('location')).toBe(`/signin?return=${encodeURIComponent('/site/x')}`);
  });
});

describe('configuring a website route', () => {
  it('refuses "login" on a public route, or one that is not a boolean', async () => {
    for (const route of [
      { prefix: '/site/', login: true, require: { public: true } },
      { prefix: '/site/', login: 'yes' },
    ]) {
      const response = await gatewayClient([route as never]).get('/.well-known/jwks.json');
      expect(response.status, JSON.stringify(route)).toBe(500);
      expect(await response.text()).toContain('login');
    }
  });
});

describe('what a website route trusts', () => {
  it('lets a person’s own __Host- cookies win over a planted legacy token cookie', async () => {
    const origin = stubOrigin();
    const client = websiteClient();
    const { browser, userId } = await signedInBrowser(client);
    expect((await browser.get('/site/')).status).toBe(200);
    const attacker = await signedInUser(client);
    browser.cookies.set('gatehouse_token', attacker.accessToken);
    expect((await browser.get('/site/again')).status).toBe(200);
    expect(origin.calls.at(-1)!.headers.get('x-user-id')).toBe(userId);
  });

  it('sends a browser with a broken legacy token cookie to sign in, not to a JSON 401', async () => {
    stubOrigin();
    const browser = newBrowser(websiteClient());
    browser.cookies.set('gatehouse_token', 'garbage');
    const response = await browser.get('/site/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/signin?return=${encodeURIComponent('/site/')}`);
  });

  it('drops an origin’s Set-Cookie for any of Gatehouse’s cookies, and keeps its own', async () => {
    stubOrigin(() => {
      const headers = new Headers();
      for (const name of [SESSION, ACCESS, CSRF, 'gatehouse_token', '__HOST-gatehouse-session']) {
        headers.append('set-cookie', `${name}=planted; Path=/; Secure; HttpOnly; SameSite=Lax`);
      }
      headers.append('set-cookie', 'theme=dark; Path=/');
      return new Response('from the origin', { headers });
    });
    const client = websiteClient();
    const { browser } = await signedInBrowser(client);
    const session = browser.cookies.get(SESSION);
    const response = await browser.get('/site/');
    expect(response.status).toBe(200);
    const lines = response.headers.getSetCookie();
    expect(lines.filter((line) => /planted/.test(line))).toEqual([]);
    expect(lines).toContain('theme=dark; Path=/');
    expect(browser.cookies.get(SESSION)).toBe(session);
  });
});
