// The hosted sign-in and sign-out pages, as a browser meets them: a form, a session cookie, the
// same answer for a wrong password and an unknown account, CSRF refused, and every revocation
// rule ending the browser session.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { newClient, strongPassword, uniqueEmail } from '../support/driver';

const SESSION = '__Host-gatehouse-session';

describe('GET /signin', () => {
  it('is a form with labelled fields, a CSRF field and a strict CSP', async () => {
    const browser = newBrowser(newClient());
    const response = await browser.get('/signin?return=/account');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('private, no-store'); // it sets the CSRF cookie
    const page = await response.text();
    expect(page).toMatch(/<label for="field-login">/);
    expect(page).toMatch(/<label for="field-password">/);
    expect(page).toMatch(/name="csrf" value="[A-Za-z0-9_-]{43}"/);
    expect(browser.cookies.get('__Host-gatehouse-csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/__Host-gatehouse-csrf=[^;]+;.*Path=\/.*HttpOnly.*Secure.*SameSite=Strict/i);
  });

  it('keeps only a path on this host as the return address', async () => {
    const browser = newBrowser(newClient());
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const page = await (await browser.get(`/signin?return=${encodeURIComponent(bad)}`)).text();
      expect(page).toContain('name="return" value="/account"');
    }
  });
});

describe('POST /signin', () => {
  it('signs in with the e-mail and sets an HttpOnly, Secure, SameSite=Lax __Host- session cookie', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    const response = await browser.signIn(user.email, user.password, '/somewhere?x=1');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/somewhere?x=1');
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION}=`))!;
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const sessions = await (await client.admin('GET', `/admin/v1/users/${user.id}/sessions`)).json<any>();
    expect(JSON.stringify(sessions)).toContain('browser');
  });

  it('answers a wrong password and an unknown account with the same page', async () => {
    const client = newClient();
    const user = await createUser(client);
    const wrong = await newBrowser(client).signIn(user.email, 'not the password at all');
    const unknown = await newBrowser(client).signIn(uniqueEmail('nobody'), 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (page: string) => page.replace(/value="[^"]*"/g, '').replace(/nonce(-|=")[A-Za-z0-9_-]+/g, '');
    expect(strip(await wrong.text())).toBe(strip(await unknown.text()));
    expect(wrong.headers.getSetCookie().join()).not.toContain(SESSION);
  });

  it('ties the error to the password field for assistive technology', async () => {
    const client = newClient();
    const page = await (await newBrowser(client).signIn(uniqueEmail(), 'not the password at all')).text();
    expect(page).toMatch(/id="field-password"[^>]*aria-invalid="true" aria-describedby="field-password-error"/);
    expect(page).toMatch(/<p class="error" id="field-password-error">/);
  });

  it('refuses a form without the CSRF token, or posted from another site, with 403 and no session', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    const csrf = await browser.csrfOf('/signin');
    const missing = await browser.submit('/signin', { login: user.email, password: user.password });
    expect(missing.status).toBe(403);
    const crossSite = await browser.submit(
      '/signin',
      { csrf, login: user.email, password: user.password },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(crossSite.status).toBe(403);
    const otherToken = await browser.submit('/signin', { csrf: 'x'.repeat(43), login: user.email, password: user.password });
    expect(otherToken.status).toBe(403);
    expect(browser.cookies.has(SESSION)).toBe(false);
  });

  it('locks out as the API does, whatever the password', async () => {
    const client = newClient({ vars: { LOGIN_LOCKOUT_THRESHOLD: '3' } });
    const user = await createUser(client);
    const browser = newBrowser(client);
    for (let i = 0; i < 3; i++) await browser.signIn(user.email, 'wrong password here');
    const locked = await browser.signIn(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Too many attempts');
  });

  it('asks for a confirmed address, once the password is right', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const email = uniqueEmail();
    const password = strongPassword();
    expect((await client.post('/v1/users/register', { body: { email, password } })).status).toBe(200);
    const response = await newBrowser(client).signIn(email, password);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Confirm your e-mail address');
  });
});

describe('the browser session', () => {
  async function signedIn() {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    return { client, user, browser };
  }

  it('ends on sign-out: the cookie is cleared and the session revoked', async () => {
    const { client, user, browser } = await signedIn();
    const csrf = await browser.csrfOf('/signout');
    const cookie = browser.cookies.get(SESSION)!;
    const response = await browser.submit('/signout', { csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin');
    expect(browser.cookies.has(SESSION)).toBe(false);
    // The old cookie, replayed, no longer signs in.
    browser.cookies.set(SESSION, cookie);
    expect((await browser.get('/signout')).headers.get('location')).toBe('/signin');
    const sessions = await (await client.admin('GET', `/admin/v1/users/${user.id}/sessions`)).json<any>();
    expect(JSON.stringify(sessions)).not.toContain('browser');
  });

  it('ends when the operator disables the user or revokes every token', async () => {
    for (const end of [
      (client: any, id: string) => client.admin('PATCH', `/admin/v1/users/${id}`, { body: { disabled: true } }),
      (client: any, id: string) => client.admin('DELETE', `/admin/v1/users/${id}/sessions`),
    ]) {
      const { client, user, browser } = await signedIn();
      expect((await browser.get('/signout')).status).toBe(200);
      const ended = await end(client, user.id);
      expect(ended.status, await ended.clone().text()).toBeLessThan(300);
      expect((await browser.get('/signout')).headers.get('location')).toBe('/signin');
    }
  });

  it('is no refresh token: the token endpoint refuses the cookie value', async () => {
    const { client, browser } = await signedIn();
    const response = await client.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: browser.cookies.get(SESSION)! },
    });
    expect(response.status).toBe(400);
    expect((await response.json<any>()).error).toBe('invalid_grant');
  });
});

describe('signing in over a session', () => {
  it('ends the session the browser held before: no one could sign it out once its cookie is gone', async () => {
    const client = newClient();
    const first = await createUser(client);
    const second = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(first.email, first.password)).status).toBe(303);
    const firstCookie = browser.cookies.get(SESSION)!;
    expect((await browser.signIn(second.email, second.password)).status).toBe(303);
    expect(browser.cookies.get(SESSION)).not.toBe(firstCookie);
    const sessions = await (await client.admin('GET', `/admin/v1/users/${first.id}/sessions`)).json<any>();
    expect(sessions.items.filter((s: { kind: string }) => s.kind === 'browser')).toEqual([]);
    const replay = newBrowser(client);
    replay.cookies.set(SESSION, firstCookie);
    expect((await replay.get('/signout')).headers.get('location')).toBe('/signin');
  });
});
