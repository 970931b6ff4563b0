// RP-initiated logout without a valid id_token_hint: a cross-site link must not sign a browser out.
// The request shows "Sign out of <product>?" and only the page's CSRF-protected POST ends the
// session, then goes on to the registered post-logout URI with `state`. With the signed-in user's
// hint it ends at once (authorization-code.test.ts).
import { describe, expect, it } from 'vitest';
import { expectPage, SESSION } from '../pages/support';
import { AFTER_LOGOUT, authorize, setUp } from './flow';

const stillSignedIn = async (s: Awaited<ReturnType<typeof setUp>>) =>
  expect((await authorize(s)).response.headers.get('location')).toMatch(/^https:\/\/app\.example\/callback\?code=/);

function logoutQuery(clientId: string, extra: Record<string, string> = {}) {
  return new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye-2', ...extra }).toString();
}

describe('RP-initiated logout without id_token_hint', () => {
  it('asks first, ends nothing on the GET, and signs out only on the confirming POST, then returns with state', async () => {
    const s = await setUp();
    const asked = await s.browser.get(`/oauth/logout?${logoutQuery(s.app.client_id)}`);
    const page = await expectPage(asked, 200);
    expect(page).toMatch(/<h1>Sign out of [^<]+\?<\/h1>/);
    expect(page).toContain('<form method="post" action="/oauth/logout">');
    expect(page).toContain(`name="post_logout_redirect_uri" value="${AFTER_LOGOUT}"`);
    expect(s.browser.cookies.has(SESSION)).toBe(true);
    await stillSignedIn(s);

    // A bare link (no parameters at all) asks too.
    expect((await s.browser.get('/oauth/logout')).status).toBe(200);
    await stillSignedIn(s);

    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const confirmed = await s.browser.submit('/oauth/logout', {
      csrf,
      client_id: s.app.client_id,
      post_logout_redirect_uri: AFTER_LOGOUT,
      state: 'bye-2',
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${AFTER_LOGOUT}?state=bye-2`);
    expect(s.browser.cookies.has(SESSION)).toBe(false);
    expect((await authorize(s)).response.headers.get('location')).toMatch(/^\/signin\?return=/);
  });

  it('refuses the POST without the CSRF token, from another site, or to an unregistered return address, and keeps the session', async () => {
    const s = await setUp();
    const csrf = await s.browser.csrfOf(`/oauth/logout?${logoutQuery(s.app.client_id)}`);
    const fields = { client_id: s.app.client_id, post_logout_redirect_uri: AFTER_LOGOUT };
    expect((await s.browser.submit('/oauth/logout', fields)).status).toBe(403);
    const crossSite = await s.browser.submit('/oauth/logout', { csrf, ...fields }, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const unregistered = await s.browser.submit('/oauth/logout', { csrf, ...fields, post_logout_redirect_uri: 'https://evil.example/' });
    expect(unregistered.status).toBe(400);
    expect(unregistered.headers.get('location')).toBeNull();
    expect(s.browser.cookies.has(SESSION)).toBe(true);
    await stillSignedIn(s);
    // Without a return address the confirmed sign-out goes to /signin.
    const plain = await s.browser.submit('/oauth/logout', { csrf });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/signin');
    expect(s.browser.cookies.has(SESSION)).toBe(false);
  });
});
