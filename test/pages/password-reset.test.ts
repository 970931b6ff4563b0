// Forgot password and reset password as a browser meets them: one page for every address, the
// mailed link opening the reset form without spending the code, the policy on its field, a bad or
// used code said plainly, and a reset that ends every session, browser and API alike.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { json, newClient, strongPassword, uniqueEmail, type Client } from '../support/driver';
import { logIn, mailedCode } from '../user-service/steps';
import { expectPage, SESSION, strip } from './support';
import { untilLimited } from '../support/rate-limit';

async function askForReset(browser: Browser, email: string): Promise<Response> {
  const csrf = await browser.csrfOf('/forgot-password');
  return browser.submit('/forgot-password', { csrf, email });
}

async function resetCodeOf(client: Client, email: string): Promise<string> {
  const { link, code } = await mailedCode(client, email);
  expect(link).toBe(`https://gatehouse.test/reset-password?code=${code}`);
  return code;
}

describe('/forgot-password', () => {
  it('is a labelled e-mail form', async () => {
    const page = await expectPage(await newBrowser(newClient()).get('/forgot-password'), 200);
    expect(page).toMatch(/<label for="field-email">/);
    expect(page).toMatch(/autocomplete="email"/);
  });

  it('answers a known and an unknown address with the same page, and mails only the known one', async () => {
    const client = newClient();
    const user = await createUser(client);
    const stranger = uniqueEmail('stranger');
    const known = await expectPage(await askForReset(newBrowser(client), user.email), 200);
    const unknown = await expectPage(await askForReset(newBrowser(client), stranger), 200);
    expect(strip(known)).toBe(strip(unknown));
    expect(known).toContain('If an account exists for that address');
    await resetCodeOf(client, user.email);
    expect((await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(stranger)}`))).items).toEqual([]);
  });

  it('asks for the address on its field when it is empty', async () => {
    const page = await expectPage(await askForReset(newBrowser(newClient()), ''), 400);
    expect(page).toMatch(/id="field-email"[^>]*aria-invalid="true" aria-describedby="field-email-error" autofocus/);
  });

  it('refuses a form without the CSRF token and sends nothing', async () => {
    const client = newClient();
    const user = await createUser(client);
    await expectPage(await newBrowser(client).submit('/forgot-password', { email: user.email }), 403);
    expect((await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(user.email)}`))).items).toEqual([]);
  });

  it('shares the API reset budget of the client', async () => {
    const client = newClient();
    await untilLimited(() => client.post('/v1/users/newPassword', { body: {} }), 400);
    const response = await askForReset(newBrowser(client), uniqueEmail());
    await expectPage(response, 429);
  });
});

describe('/reset-password', () => {
  async function mailedReset() {
    const client = newClient();
    const user = await createUser(client);
    expect((await askForReset(newBrowser(client), user.email)).status).toBe(200);
    return { client, user, code: await resetCodeOf(client, user.email) };
  }

  it('opens a new-password form carrying the code, and spends nothing on GET', async () => {
    const { client, user, code } = await mailedReset();
    const browser = newBrowser(client);
    for (let i = 0; i < 2; i++) {
      const page = await expectPage(await browser.get(`/reset-password?code=${encodeURIComponent(code)}`), 200);
      expect(page).toContain(`<input type="hidden" name="code" value="${code}">`);
      expect(page).toMatch(/id="field-password" name="password" type="password" autocomplete="new-password"/);
    }
    // The API's reset still takes the code: the page did not spend it.
    const reset = await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } });
    expect(reset.status).toBe(200);
    expect((await json(reset)).user.id).toBe(user.id);
  });

  it('says plainly that a bad, used or missing code does not work, with a link to ask again', async () => {
    const { client, code } = await mailedReset();
    expect((await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } })).status).toBe(200);
    const browser = newBrowser(client);
    for (const path of ['/reset-password', '/reset-password?code=not-a-code', `/reset-password?code=${encodeURIComponent(code)}`]) {
      const page = await expectPage(await browser.get(path), 400);
      expect(page).toContain('role="alert"');
      expect(page).toContain('href="/forgot-password"');
    }
    const csrf = await browser.csrfOf('/forgot-password');
    const posted = await expectPage(await browser.submit('/reset-password', { csrf, code, password: strongPassword() }), 400);
    expect(posted).toContain('href="/forgot-password"');
  });

  it('ties the password policy to the field and keeps the code usable', async () => {
    const { client, user, code } = await mailedReset();
    const browser = newBrowser(client);
    const csrf = await browser.csrfOf(`/reset-password?code=${encodeURIComponent(code)}`);
    const page = await expectPage(await browser.submit('/reset-password', { csrf, code, password: 'short' }), 400);
    expect(page).toMatch(/aria-invalid="true" aria-describedby="field-password-error"/);
    expect(page).toContain('Password must be at least 8 characters.');
    expect(page).toContain(`name="code" value="${code}"`);
    const password = strongPassword();
    expect((await browser.submit('/reset-password', { csrf, code, password })).status).toBe(200);
    expect((await newBrowser(client).signIn(user.email, password)).status).toBe(303);
  });

  it('refuses a form without the CSRF token, and the code stays unspent', async () => {
    const { client, code } = await mailedReset();
    await expectPage(await newBrowser(client).submit('/reset-password', { code, password: strongPassword() }), 403);
    expect((await client.post('/v1/users/resetPassword', { body: { code, password: strongPassword() } })).status).toBe(200);
  });
});

describe('forgot password, the whole way', () => {
  it('forgot → mail → reset page → sign in with the new password; every old session, browser and API, is gone', async () => {
    const client = newClient();
    const user = await createUser(client);
    const oldBrowser = newBrowser(client);
    expect((await oldBrowser.signIn(user.email, user.password)).status).toBe(303);
    const api = await logIn(client, user);

    const browser = newBrowser(client);
    const asked = await expectPage(await askForReset(browser, user.email), 200);
    expect(asked).toContain('Check your mail');
    const code = await resetCodeOf(client, user.email);
    const form = await expectPage(await browser.get(`/reset-password?code=${encodeURIComponent(code)}`), 200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)![1]!;
    const password = strongPassword();
    const done = await expectPage(await browser.submit('/reset-password', { csrf, code, password }), 200);
    expect(done).toContain('<p class="notice" role="status">Your password was changed');
    expect(done).toContain('action="/signin"');

    expect((await oldBrowser.get('/account')).status).toBe(303);
    expect((await client.post('/v1/users/accessToken', { body: { refreshToken: api.refreshToken } })).status).toBe(401);
    expect((await client.get('/v1/users/status', { token: api.accessToken })).status).toBe(401);
    expect((await newBrowser(client).signIn(user.email, user.password)).status).toBe(401);
    const signedIn = await browser.signIn(user.email, password);
    expect(signedIn.headers.get('location')).toBe('/account');
    expect(browser.cookies.get(SESSION)).toBeTruthy();
    expect(await expectPage(await browser.get('/account'), 200)).toContain(user.email);
  });
});
