// Who may enter the console, through HTTP as a browser would: a hosted-pages session of an admin of
// the console's ecosystem that used a second factor, judged on every request. Everyone else is sent
// to sign in or gets a 403 page; no token is a console login; every form is CSRF-checked.
import { describe, expect, it } from 'vitest';
import { createUser, logIn } from '../support/accounts';
import { newBrowser, ORIGIN } from '../support/browser';
import { json, newClient } from '../support/driver';
import { enrolAuthenticator, signInWithCode, totpNow } from '../support/second-factors';
import { expectPage } from '../pages/support';
import { act, consoleAdmin } from './support';

describe('the console’s door', () => {
  it('sends a browser without a session to sign in, coming back to the page it asked for', async () => {
    const browser = newBrowser(newClient());
    const home = await browser.get('/console');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/signin?return=%2Fconsole');
    const search = await browser.get('/console/users?q=ada');
    expect(search.headers.get('location')).toBe(`/signin?return=${encodeURIComponent('/console/users?q=ada')}`);
  });

  it('takes no token as a console login: the account token and an admin’s access token are both sent to sign in', async () => {
    const client = newClient();
    const admin = await createUser(client, { role: 'admin' });
    const { access_token: accessToken } = await logIn(client, admin);
    for (const token of [client.accountToken, accessToken]) {
      const answer = await client.get('/console/users', { token, headers: { accept: 'text/html' } });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/signin?return=%2Fconsole%2Fusers');
    }
  });

  it('refuses a signed-in user who is no admin with a 403 page', async () => {
    const client = newClient();
    const user = await createUser(client);
    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const page = await expectPage(await browser.get('/console'), 403);
    expect(page).toContain('Not for this account');
    expect(page).toContain('role="alert"');
    expect(page).not.toContain('aria-label="Console"');
  });

  it('refuses an admin of another ecosystem than the console’s (CONSOLE_ECOSYSTEM, else DEFAULT_ECOSYSTEM)', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    expect((await admin.browser.get('/console')).status).toBe(200);
    // The same session, on a deployment whose console belongs to another ecosystem's admins.
    const elsewhere = newClient({ vars: { CONSOLE_ECOSYSTEM: 'operators' } });
    const cookie = [...admin.browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const page = await expectPage(await elsewhere.get('/console', { headers: { cookie, accept: 'text/html' } }), 403);
    expect(page).toContain('Not for this account');
  });

  it('signs in the console ecosystem’s admins when CONSOLE_ECOSYSTEM names another one, on the way to the console only', async () => {
    const setup = newClient();
    const operators = await json(await setup.admin('POST', '/admin/v1/ecosystems', { body: { name: 'operators' } }));
    const client = newClient({ vars: { CONSOLE_ECOSYSTEM: operators.id } });
    const operator = await createUser(client, { role: 'admin', ecosystemId: operators.id });
    const browser = newBrowser(client);
    // On the way to the console the password is checked in the operators' ecosystem ...
    const signedIn = await browser.signIn(operator.email, operator.password, '/console');
    expect(signedIn.headers.get('location')).toBe('/console');
    expect(await expectPage(await browser.get('/console'), 403)).toContain('Set up two-step sign-in first');
    const { key } = await enrolAuthenticator(client, operator.email, operator.password, browser);
    const again = await signInWithCode(browser, operator.email, operator.password, totpNow(client, key), '/console');
    expect(again.headers.get('location')).toBe('/console');
    expect((await browser.get('/console/users')).status).toBe(200);
    // ... and anywhere else in DEFAULT_ECOSYSTEM, where this operator has no account.
    expect((await newBrowser(client).signIn(operator.email, operator.password, '/account')).status).toBe(401);
  });

  it('asks an admin without a second factor to enrol, and one whose session did not use it to sign in again', async () => {
    const client = newClient();
    const admin = await createUser(client, { role: 'admin' });
    const browser = newBrowser(client);
    expect((await browser.signIn(admin.email, admin.password)).status).toBe(303);
    const enrol = await expectPage(await browser.get('/console'), 403);
    expect(enrol).toContain('Set up two-step sign-in first');
    expect(enrol).toContain('href="/account"');
    // The same browser enrols; its session began with a password alone.
    await enrolAuthenticator(client, admin.email, admin.password, browser);
    const again = await expectPage(await browser.get('/console'), 403);
    expect(again).toContain('Sign in with your second factor');
  });

  it('lets in an admin signed in with a second factor, on every screen', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    for (const path of [
      '/console',
      '/console/users',
      `/console/users/${admin.id}`,
      '/console/ecosystems',
      '/console/ecosystems/default',
      '/console/clients',
      '/console/identity-providers',
      '/console/webhooks',
      '/console/outbox',
      '/console/events',
      '/console/health',
      '/console/configuration',
    ]) {
      const page = await expectPage(await admin.browser.get(path), 200);
      expect(page, path).toContain('<nav aria-label="Console">');
      expect(page, path).toContain('aria-current="page"');
    }
  });

  it('shuts out a demoted, disabled or signed-out admin at the next request', async () => {
    const client = newClient();
    const demoted = await consoleAdmin(client);
    expect((await demoted.browser.get('/console')).status).toBe(200);
    await client.admin('PATCH', `/admin/v1/users/${demoted.id}`, { body: { role: 'user' } });
    expect((await demoted.browser.get('/console')).status).not.toBe(200);

    const disabled = await consoleAdmin(client);
    await client.admin('PATCH', `/admin/v1/users/${disabled.id}`, { body: { disabled: true } });
    expect((await disabled.browser.get('/console/users')).headers.get('location')).toMatch(/^\/signin/);

    const ended = await consoleAdmin(client);
    await client.admin('DELETE', `/admin/v1/users/${ended.id}/sessions`);
    expect((await ended.browser.get('/console/users')).headers.get('location')).toMatch(/^\/signin/);
  });

  it('refuses a form without its CSRF field or from another site, and changes nothing', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const target = await createUser(client);
    const bare = await admin.browser.submit(`/console/users/${target.id}/disable`, {});
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('This form expired or came from another site');
    const csrf = await admin.browser.csrfOf('/console');
    const crossSite = await admin.browser.submit(
      `/console/users/${target.id}/disable`,
      { csrf },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(crossSite.status).toBe(403);
    expect((await json(await client.admin('GET', `/admin/v1/users/${target.id}`))).disabled).toBe(false);
    // The same form with its field, from this site, works.
    const done = await act(admin.browser, `/console/users/${target.id}/disable`);
    expect(done.status).toBe(303);
    expect(new URL(done.headers.get('location')!, ORIGIN).pathname).toBe(`/console/users/${target.id}`);
    expect((await json(await client.admin('GET', `/admin/v1/users/${target.id}`))).disabled).toBe(true);
  });

  it('answers bad input with a 4xx page, never a 500', async () => {
    const client = newClient();
    const admin = await consoleAdmin(client);
    const cases: [Promise<Response>, number][] = [
      [admin.browser.get('/console/users/nope'), 404],
      [admin.browser.get('/console/users?cursor=bad'), 400],
      [admin.browser.get(`/console/users?q=${'x'.repeat(65)}`), 400],
      [admin.browser.get('/console/events?since=yesterday'), 400],
      [admin.browser.get('/console/outbox?status=lost'), 400],
      [admin.browser.get('/console/clients/nope'), 404],
      [admin.browser.get('/console/ecosystems/nope'), 404],
      [admin.browser.get('/console/webhooks/nope'), 404],
      [act(admin.browser, `/console/users/${admin.id}/role`, { role: 'emperor' }), 400],
      [act(admin.browser, '/console/users/nope/sessions/end', { session: 'nope' }), 404],
      [act(admin.browser, '/console/outbox/nope/retry'), 404],
      [act(admin.browser, '/console/clients', { name: 'x', redirectUris: 'not a uri' }), 400],
    ];
    for (const [answer, status] of cases) {
      const page = await expectPage(await answer, status);
      // Said in an alert, or (a form shown again) on the field it is about.
      expect(page).toMatch(/role="alert"|aria-invalid="true"/);
      expect(page).toContain('href="/console"');
    }
  });
});
