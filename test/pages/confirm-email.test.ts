// The confirmation link opens /confirm-email, which confirms and says so; and the whole sign-up
// journey of a browser: sign up → mail → confirm page → sign in → account → sign out.
import { describe, expect, it } from 'vitest';
import { newBrowser } from '../support/browser';
import { newClient, strongPassword, uniqueEmail } from '../support/driver';
import { mailedCode } from '../user-service/steps';
import { expectPage, SESSION } from './support';

describe('GET /confirm-email', () => {
  it('says plainly that a bad or missing code does not work', async () => {
    const browser = newBrowser(newClient());
    for (const path of ['/confirm-email', '/confirm-email?code=not-a-code']) {
      const page = await expectPage(await browser.get(path), 400);
      expect(page).toContain('<p class="error" role="alert">This confirmation link is not valid');
    }
  });
});

describe('signing up, the whole way', () => {
  it('sign up → confirmation mail → confirm page → sign in → account → sign out', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const browser = newBrowser(client);
    const email = uniqueEmail('journey');
    const password = strongPassword();
    const csrf = await browser.csrfOf('/signup');
    const sent = await expectPage(await browser.submit('/signup', { csrf, email, password, firstName: 'Ada' }), 200);
    expect(sent).toContain('Check your mail');
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await browser.signIn(email, password)).status).toBe(403);

    const { link, code } = await mailedCode(client, email);
    expect(link).toBe(`https://gatehouse.test/confirm-email?code=${code}`);
    const confirmed = await expectPage(await browser.get(new URL(link).pathname + new URL(link).search), 200);
    expect(confirmed).toContain('Your e-mail address is confirmed');
    const again = await expectPage(await browser.get(`/confirm-email?code=${encodeURIComponent(code)}`), 200);
    expect(again).toContain('already confirmed');

    const signedIn = await browser.signIn(email, password);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    const account = await expectPage(await browser.get('/account'), 200);
    expect(account).toContain(email);

    const signOutCsrf = /action="\/signout"><input type="hidden" name="csrf" value="([^"]+)"/.exec(account)![1]!;
    const out = await browser.submit('/signout', { csrf: signOutCsrf, return: '/signin' });
    expect(out.status).toBe(303);
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await browser.get('/account')).status).toBe(303);
  });
});
