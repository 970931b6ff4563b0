// The account page: who is signed in, their live sessions with this browser marked, "sign out this
// device" for one of them (never another user's), "sign out all other devices", and CSRF on each.
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { newClient, type Client } from '../support/driver';
import { logIn } from '../user-service/steps';
import { expectPage, SESSION } from './support';

async function signedIn(client: Client, user: { email: string; password: string }): Promise<Browser> {
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  return browser;
}

/** The session ids the account page lists, in its order, and the one marked as this device. */
function sessionsListed(page: string): { ids: string[]; here: string | undefined } {
  const ids = [...page.matchAll(/name="session" value="([^"]+)"/g)].map((m) => m[1]!);
  const here = /<tr aria-current="true">[\s\S]*?name="session" value="([^"]+)"/.exec(page)?.[1];
  return { ids, here };
}

const refreshWorks = async (client: Client, refreshToken: string) =>
  (await client.post('/v1/users/accessToken', { body: { refreshToken } })).status === 200;

describe('GET /account', () => {
  it('sends a browser that is not signed in to sign in, coming back here', async () => {
    const response = await newBrowser(newClient()).get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin?return=%2Faccount');
  });

  it('shows the user and every live session, this browser marked, each with its sign-out form', async () => {
    const client = newClient();
    const user = await createUser(client, { firstName: 'Grace', lastName: 'Hopper' });
    const other = await signedIn(client, user);
    await logIn(client, user);
    const browser = await signedIn(client, user);
    const page = await expectPage(await browser.get('/account'), 200);
    expect(page).toContain(user.email);
    const { ids, here } = sessionsListed(page);
    expect(ids).toHaveLength(3);
    expect(here).toBe(browser.cookies.get(SESSION)!.split('.')[0]);
    expect(ids).toContain(other.cookies.get(SESSION)!.split('.')[0]);
    expect(page.match(/\(this device\)/g)).toHaveLength(1);
    expect(page).toContain('<td>App</td>');
    expect(page.match(/>Sign out this device</g)).toHaveLength(3);
    expect(page).toContain('Sign out all other devices');
    expect(page).toMatch(/<form method="post" action="\/signout"><input type="hidden" name="csrf"/);
    expect(page).not.toContain(browser.cookies.get(SESSION)!.split('.')[1]);
  });
});

describe('POST /account/sessions/sign-out', () => {
  it('ends the chosen session of the user, and only that one', async () => {
    const client = newClient();
    const user = await createUser(client);
    const api = await logIn(client, user);
    const browser = await signedIn(client, user);
    const page = await (await browser.get('/account')).text();
    const { ids, here } = sessionsListed(page);
    const target = ids.find((id) => id !== here)!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const response = await browser.submit('/account/sessions/sign-out', { csrf, session: target });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?done=device');
    expect(await refreshWorks(client, api.refreshToken)).toBe(false);
    expect((await client.get('/v1/users/status', { token: api.accessToken })).status).toBe(401);
    const after = await expectPage(await browser.get('/account?done=device'), 200);
    expect(after).toContain('That device was signed out.');
    expect(sessionsListed(after).ids).toEqual([here]);
  });

  it("refuses another user's session id with a 404 page and leaves it alive", async () => {
    const client = newClient();
    const [mallory, victim] = [await createUser(client), await createUser(client)];
    const victimApi = await logIn(client, victim);
    const victimSession = victimApi.refreshToken.split('.')[0]!;
    const browser = await signedIn(client, mallory);
    const csrf = await browser.csrfOf('/account');
    const response = await browser.submit('/account/sessions/sign-out', { csrf, session: victimSession });
    const page = await expectPage(response, 404);
    expect(page).toContain('role="alert"');
    expect(await refreshWorks(client, victimApi.refreshToken)).toBe(true);
    expect((await browser.submit('/account/sessions/sign-out', { csrf, session: 'not-an-id' })).status).toBe(404);
  });

  it('signs this browser out when its own row is chosen', async () => {
    const client = newClient();
    const browser = await signedIn(client, await createUser(client));
    const page = await (await browser.get('/account')).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const response = await browser.submit('/account/sessions/sign-out', { csrf, session: sessionsListed(page).here! });
    expect(response.headers.get('location')).toBe('/signin');
    expect(browser.cookies.has(SESSION)).toBe(false);
  });

  it('refuses a form without the CSRF token, or from another site, and ends nothing', async () => {
    const client = newClient();
    const user = await createUser(client);
    const api = await logIn(client, user);
    const browser = await signedIn(client, user);
    const csrf = await browser.csrfOf('/account');
    const session = api.refreshToken.split('.')[0]!;
    await expectPage(await browser.submit('/account/sessions/sign-out', { session }), 403);
    await expectPage(
      await browser.submit('/account/sessions/sign-out', { csrf, session }, { headers: { origin: 'https://evil.example' } }),
      403,
    );
    await expectPage(await browser.submit('/account/sessions/sign-out-others', {}), 403);
    expect(await refreshWorks(client, api.refreshToken)).toBe(true);
  });

  it('sends a browser that is not signed in to sign in', async () => {
    const browser = newBrowser(newClient());
    const csrf = await browser.csrfOf('/signin');
    for (const path of ['/account/sessions/sign-out', '/account/sessions/sign-out-others']) {
      const response = await browser.submit(path, { csrf, session: 'x' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/signin?return=%2Faccount');
    }
  });
});

describe('POST /account/sessions/sign-out-others', () => {
  it('ends every other session and token of the user and keeps this browser signed in', async () => {
    const client = newClient();
    const user = await createUser(client);
    const otherBrowser = await signedIn(client, user);
    const api = await logIn(client, user);
    const browser = await signedIn(client, user);
    const csrf = await browser.csrfOf('/account');
    const response = await browser.submit('/account/sessions/sign-out-others', { csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?done=others');
    expect((await otherBrowser.get('/account')).status).toBe(303);
    expect(await refreshWorks(client, api.refreshToken)).toBe(false);
    expect((await client.get('/v1/users/status', { token: api.accessToken })).status).toBe(401);
    const page = await expectPage(await browser.get('/account?done=others'), 200);
    expect(page).toContain('Every other device was signed out.');
    expect(sessionsListed(page).ids).toEqual([browser.cookies.get(SESSION)!.split('.')[0]]);
    // A session started after it is unaffected.
    const later = await logIn(client, user);
    expect(await refreshWorks(client, later.refreshToken)).toBe(true);
  });
});
