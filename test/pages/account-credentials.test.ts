// The account page's password and e-mail changes: each needs a sign-in from the last 5 minutes,
// keeps this browser signed in, ends every other session and token, and mails the old address; the
// policy's refusals are shown on the field.
import { describe, expect, it } from 'vitest';
import { createUser, logIn, passwordGrant, verifyStatus } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { newClient, strongPassword, uniqueEmail } from '../support/driver';
import { lastMail } from '../user-service/steps';
import { expectPage } from './support';

async function signedIn() {
  const client = newClient();
  const user = await createUser(client);
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  return { client, user, browser, csrf: await browser.csrfOf('/account') };
}

describe('changing the password on the account page', () => {
  it('sets it, keeps this browser, ends the other sessions and mails the owner', async () => {
    const { client, user, browser, csrf } = await signedIn();
    const other = await logIn(client, user);
    expect(await expectPage(await browser.get('/account'), 200)).toContain('New password');
    const password = strongPassword();
    client.clock.advance(1);
    const changed = await browser.submit('/account/password', { csrf, password });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account?done=password');
    expect((await browser.get('/account')).status).toBe(200);
    expect(await verifyStatus(client, other.access_token)).toBe(401);
    expect((await lastMail(client, user.email)).subject).toBe('Your password was changed');
    expect((await passwordGrant(client, user.email, user.password)).status).toBe(400);
    expect((await passwordGrant(client, user.email, password)).status).toBe(200);
  });

  it('shows the policy’s refusal on the field, and asks for a sign-in after 5 minutes', async () => {
    const { client, browser, csrf } = await signedIn();
    const weak = await expectPage(await browser.submit('/account/password', { csrf, password: 'short' }), 400);
    expect(weak).toMatch(/aria-invalid="true"/);
    client.clock.advance(6 * 60);
    const late = await expectPage(await browser.submit('/account/password', { csrf, password: strongPassword() }), 403);
    expect(late).toContain('Sign in again');
  });
});

describe('changing the e-mail address on the account page', () => {
  it('sets it and mails the old address; a taken one is refused on its field', async () => {
    const { client, user, browser, csrf } = await signedIn();
    const taken = await createUser(client);
    expect(await expectPage(await browser.submit('/account/email', { csrf, email: taken.email }), 409)).toMatch(/aria-invalid="true"/);
    const email = uniqueEmail();
    client.clock.advance(1);
    const changed = await browser.submit('/account/email', { csrf, email });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account?done=email');
    expect((await lastMail(client, user.email)).subject).toBe('Your e-mail address was changed');
    expect((await passwordGrant(client, email, user.password)).status).toBe(200);
  });

  it('needs a sign-in from the last 5 minutes; the address stays until then', async () => {
    const { client, user, browser, csrf } = await signedIn();
    client.clock.advance(6 * 60);
    const email = uniqueEmail();
    const late = await expectPage(await browser.submit('/account/email', { csrf, email }), 403);
    expect(late).toContain('Sign in again');
    expect((await passwordGrant(client, email, user.password)).status).toBe(400);
    expect((await passwordGrant(client, user.email, user.password)).status).toBe(200);
  });
});
