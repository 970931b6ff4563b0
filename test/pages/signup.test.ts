// The hosted sign-up page: open only with OPEN_REGISTRATION, the API's registration rules (the
// password policy on its field, a taken address refused with EMAIL_CONFIRMATION off and answered
// like a new one with it on), CSRF refused, and the API's per-client budget.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, strongPassword, uniqueEmail } from '../support/driver';
import { expectPage, SESSION, strip } from './support';
import { untilLimited } from '../support/rate-limit';

async function signUp(client: ReturnType<typeof newClient>, fields: Record<string, string>) {
  const browser = newBrowser(client);
  const csrf = await browser.csrfOf('/signup');
  return { browser, response: await browser.submit('/signup', { csrf, ...fields }) };
}

describe('GET /signup', () => {
  it('is a labelled form with new-password autocomplete and a CSRF field', async () => {
    const page = await expectPage(await newBrowser(newClient()).get('/signup'), 200);
    expect(page).toMatch(/<label for="field-email">/);
    expect(page).toMatch(/id="field-email" name="email" type="email" autocomplete="email"[^>]* required[^>]* autofocus/);
    expect(page).toMatch(/id="field-password" name="password" type="password" autocomplete="new-password"/);
    expect(page).toMatch(/id="field-firstName" name="firstName" type="text" autocomplete="given-name" value=""(?! required)/);
    expect(page).toMatch(/name="csrf" value="[A-Za-z0-9_-]{43}"/);
  });

  it('is a 404 page, GET and POST, when registration is closed', async () => {
    const client = newClient({ vars: { OPEN_REGISTRATION: 'off' } });
    const browser = newBrowser(client);
    await expectPage(await browser.get('/signup'), 404);
    const csrf = await browser.csrfOf('/signin');
    const email = uniqueEmail();
    await expectPage(await browser.submit('/signup', { csrf, email, password: strongPassword() }), 404);
    expect((await client.post('/v1/users/login', { body: { email, password: 'whatever it was' } })).status).toBe(401);
    expect(await (await browser.get('/signin')).text()).not.toContain('href="/signup"');
  });
});

describe('POST /signup', () => {
  it('with EMAIL_CONFIRMATION off, creates the user and signs the browser in', async () => {
    const client = newClient();
    const email = uniqueEmail('signup');
    const { browser, response } = await signUp(client, {
      email,
      password: strongPassword(),
      firstName: 'Ada',
      lastName: 'Lovelace',
      return: '/account',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect(browser.cookies.get(SESSION)).toBeTruthy();
    const account = await expectPage(await browser.get('/account'), 200);
    expect(account).toContain(email);
    expect(account).toContain('Ada Lovelace');
  });

  it('ties the password policy to the password field and keeps what was typed', async () => {
    const client = newClient();
    const email = uniqueEmail();
    for (const [password, reason] of [
      ['short', 'Password must be at least 8 characters.'],
      ['password123', 'Password is one of the most common passwords.'],
    ] as const) {
      const { browser, response } = await signUp(client, { email, password, firstName: 'Ada' });
      const page = await expectPage(response, 400);
      expect(page).toMatch(/id="field-password"[^>]*aria-invalid="true" aria-describedby="field-password-error" autofocus/);
      expect(page).toContain(`<p class="error" id="field-password-error">${reason}</p>`);
      expect(page).toContain(`value="${email}"`);
      expect(page).toContain('value="Ada"');
      expect(page).not.toContain(`value="${password}"`);
      expect(browser.cookies.has(SESSION)).toBe(false);
    }
  });

  it('refuses an invalid address on the e-mail field', async () => {
    const page = await expectPage((await signUp(newClient(), { email: 'not-an-address', password: strongPassword() })).response, 400);
    expect(page).toMatch(/id="field-email"[^>]*aria-invalid="true" aria-describedby="field-email-error"/);
  });

  it('with EMAIL_CONFIRMATION off, refuses a taken address on its field, as the API does', async () => {
    const client = newClient();
    const owner = await createUser(client);
    const { browser, response } = await signUp(client, { email: owner.email, password: strongPassword() });
    const page = await expectPage(response, 409);
    expect(page).toMatch(/aria-describedby="field-email-error"/);
    expect(page).toContain('already registered');
    expect(browser.cookies.has(SESSION)).toBe(false);
  });

  it('with EMAIL_CONFIRMATION on, answers a taken address with the very page a new one gets, and mails the owner', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const owner = await createUser(client);
    const taken = await signUp(client, { email: owner.email, password: strongPassword() });
    const fresh = await signUp(client, { email: uniqueEmail('fresh'), password: strongPassword() });
    const [takenPage, freshPage] = [await expectPage(taken.response, 200), await expectPage(fresh.response, 200)];
    expect(strip(takenPage)).toBe(strip(freshPage));
    expect(takenPage).toContain('Check your mail');
    expect(taken.browser.cookies.has(SESSION)).toBe(false);
    const outbox = await json(await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(owner.email)}`));
    expect(outbox.items.map((mail: { subject: string }) => mail.subject)).toContain('Someone tried to sign up with your address');
  });

  it('refuses a form without the CSRF token, or from another site, and creates no one', async () => {
    const client = newClient();
    const browser = newBrowser(client);
    const csrf = await browser.csrfOf('/signup');
    const email = uniqueEmail();
    const password = strongPassword();
    await expectPage(await browser.submit('/signup', { email, password }), 403);
    await expectPage(await browser.submit('/signup', { csrf, email, password }, { headers: { origin: 'https://evil.example' } }), 403);
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect((await client.post('/v1/users/login', { body: { email, password } })).status).toBe(401);
  });

  it('counts against the API registration budget of the client', async () => {
    const client = newClient();
    await untilLimited(() => client.post('/v1/users/register', { body: {} }), 400);
    const { response } = await signUp(client, { email: uniqueEmail(), password: strongPassword() });
    const page = await expectPage(response, 429);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(page).toContain('Too many attempts');
  });
});
