// Answers that carry our cookies: never cacheable by a shared cache, whatever the origin said, and
// an origin behind the gateway cannot plant a cookie through a nameless Set-Cookie.
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import type { Client } from '../support/driver';
import { gatewayClient, resetOrigin, stubOrigin } from '../gateway/support';

afterEach(resetOrigin);

const ACCESS = '__Host-gatehouse-access';

async function signedInBrowser(client: Client) {
  const user = await createUser(client);
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password, '/site/')).status).toBe(303);
  return browser;
}

describe('an answer that sets one of our cookies', () => {
  it('is private and no-store with Vary: Cookie, even when the origin called itself public', async () => {
    stubOrigin(() => new Response('cacheable page', { headers: { 'Cache-Control': 'public, max-age=3600', Vary: 'Accept-Encoding' } }));
    const client = gatewayClient([{ prefix: '/site/', login: true }]);
    const browser = await signedInBrowser(client);
    const response = await browser.get('/site/');
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((line) => line.startsWith(`${ACCESS}=`))).toBe(true);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Cookie');
    // With the cookie already held, nothing is set and the origin's caching stands.
    const again = await browser.get('/site/');
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(again.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('is private on the hosted pages too, where the CSRF and session cookies are set', async () => {
    const client = gatewayClient([]);
    const page = await client.get('/signin', { headers: { accept: 'text/html' } });
    expect(page.headers.getSetCookie().some((line) => line.startsWith('__Host-gatehouse-csrf='))).toBe(true);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    expect(page.headers.get('vary')).toMatch(/Cookie/);
  });
});

describe('the cookies an origin sets through the gateway', () => {
  it('drops a nameless Set-Cookie, which a browser would send back as a cookie of any name', async () => {
    stubOrigin(() => {
      const headers = new Headers();
      headers.append('Set-Cookie', '=__Host-gatehouse-session=planted; Path=/');
      headers.append('Set-Cookie', '__Host-gatehouse-session; Path=/');
      headers.append('Set-Cookie', ' =x');
      headers.append('Set-Cookie', 'theme=dark; Path=/');
      return new Response('ok', { headers });
    });
    const client = gatewayClient([{ prefix: '/open/', require: { public: true } }]);
    const response = await client.get('/open/');
    expect(response.headers.getSetCookie()).toEqual(['theme=dark; Path=/']);
  });
});

describe('the CSRF token of the hosted pages', () => {
  it('is a new one after sign-in and again after sign-out', async () => {
    const client = gatewayClient([]);
    const user = await createUser(client);
    const browser = newBrowser(client);
    const before = await browser.csrfOf('/signin');
    expect(browser.cookies.get('__Host-gatehouse-csrf')).toBe(before);
    const signedIn = await browser.submit('/signin', { csrf: before, login: user.email, password: user.password, return: '/account' });
    expect(signedIn.status).toBe(303);
    const afterSignIn = browser.cookies.get('__Host-gatehouse-csrf')!;
    expect(afterSignIn).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(afterSignIn).not.toBe(before);
    // The old token no longer passes: sign-out with it is refused.
    expect((await browser.submit('/signout', { csrf: before, return: '/signin' })).status).toBe(403);
    const signOutToken = await browser.csrfOf('/signout');
    expect(signOutToken).toBe(afterSignIn);
    expect((await browser.submit('/signout', { csrf: signOutToken, return: '/signin' })).status).toBe(303);
    const afterSignOut = browser.cookies.get('__Host-gatehouse-csrf')!;
    expect(afterSignOut).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(afterSignOut).not.toBe(afterSignIn);
  });
});
