// The device authorization grant (RFC 8628): a client the operator allowed it gets a device code
// and a user code, the person approves on the hosted /device page, and the client's polls answer
// authorization_pending, slow_down (interval + 5), expired_token, access_denied, then tokens once.
// oauth4webapi makes the client's requests and checks the answers.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../support/accounts';
import { newBrowser, type Browser } from '../support/browser';
import { json, newClient, TestClock, type Client } from '../support/driver';
import { discover, register } from './flow';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Setup {
  client: Client;
  clock: TestClock;
  as: oauth.AuthorizationServer;
  app: oauth.Client;
  user: TestUser;
  browser: Browser;
  options: { [oauth.customFetch]: Client['fetch'] };
}

async function setUp(fields: Record<string, unknown> = {}): Promise<Setup> {
  const clock = new TestClock();
  const client = newClient({ clock });
  const registered = await register(client, { name: 'Gatehouse CLI', allowDeviceGrant: true, redirectUris: [], ...fields });
  const user = await createUser(client);
  const browser = newBrowser(client);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  return {
    client,
    clock,
    as: await discover(client),
    app: { client_id: registered.clientId },
    user,
    browser,
    options: { [oauth.customFetch]: client.fetch },
  };
}

async function start(s: Setup, scope = 'openid profile email') {
  const response = await oauth.deviceAuthorizationRequest(s.as, s.app, oauth.None(), { scope }, s.options);
  return oauth.processDeviceAuthorizationResponse(s.as, s.app, response);
}

function poll(s: Setup, deviceCode: string) {
  return s.client.post('/oauth/token', { form: { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: s.app.client_id } });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(await json(response)).toMatchObject({ error });
}

/** The person's steps on /device: the code form, the question, the answer. */
async function answer(s: Setup, userCode: string, decision: 'approve' | 'deny') {
  const csrf = await s.browser.csrfOf(`/device?user_code=${encodeURIComponent(userCode)}`);
  const question = await s.browser.submit('/device', { csrf, user_code: userCode.toLowerCase() });
  expect(question.status).toBe(200);
  const page = await question.text();
  expect(page).toContain('Allow Gatehouse CLI?');
  expect(page).toContain('Your e-mail address');
  const decided = await s.browser.submit('/device/decide', { csrf, user_code: userCode, decision });
  expect(decided.status).toBe(200);
  return decided.text();
}

describe('the device authorization grant (RFC 8628)', () => {
  it('is listed by discovery, and gives a device code, an XXXX-XXXX user code without vowels, the page and the interval', async () => {
    const s = await setUp();
    expect(s.as.device_authorization_endpoint).toBe('https://gatehouse.test/oauth/device_authorization');
    expect(s.as.grant_types_supported).toContain(DEVICE_GRANT);
    const started = await start(s);
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.device_code.length).toBeGreaterThanOrEqual(43);
    expect(started).toMatchObject({
      verification_uri: 'https://gatehouse.test/device',
      verification_uri_complete: `https://gatehouse.test/device?user_code=${started.user_code}`,
      expires_in: 600,
      interval: 5,
    });
  });

  it('answers authorization_pending, slow_down (interval + 5), then once approved on /device, tokens once', async () => {
    const s = await setUp();
    const started = await start(s);
    await expectError(await poll(s, started.device_code), 400, 'authorization_pending');
    // Polling again at once is too fast: slow_down, and the interval is 10 s from now on; 6 s later
    // is too fast again, and the interval 15 s.
    await expectError(await poll(s, started.device_code), 400, 'slow_down');
    s.clock.advance(6);
    await expectError(await poll(s, started.device_code), 400, 'slow_down');
    s.clock.advance(15);
    await expectError(await poll(s, started.device_code), 400, 'authorization_pending');

    expect(await answer(s, started.user_code, 'approve')).toContain('Device connected');
    s.clock.advance(16);
    const response = await oauth.deviceCodeGrantRequest(s.as, s.app, oauth.None(), started.device_code, s.options);
    const tokens = await oauth.processDeviceCodeResponse(s.as, s.app, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile email', refresh_token: expect.any(String) });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: s.user.id, aud: s.app.client_id, email: s.user.email });
    const userinfo = await s.client.get('/oauth/userinfo', { token: tokens.access_token });
    expect(await json(userinfo)).toMatchObject({ sub: s.user.id });

    s.clock.advance(16);
    await expectError(await poll(s, started.device_code), 400, 'invalid_grant');
    // The refresh token is the client's, as a code grant's.
    const refreshed = await s.client.post('/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: s.app.client_id },
    });
    expect(refreshed.status).toBe(200);
  });

  it('gives exactly one token for one approval, however many polls race', async () => {
    const s = await setUp();
    const started = await start(s);
    await answer(s, started.user_code, 'approve');
    const answers = await Promise.all(Array.from({ length: 5 }, () => poll(s, started.device_code)));
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(4);
  });

  it('answers access_denied once the person denied, and expired_token after ten minutes', async () => {
    const s = await setUp();
    const denied = await start(s);
    expect(await answer(s, denied.user_code, 'deny')).toContain('Request denied');
    await expectError(await poll(s, denied.device_code), 400, 'access_denied');
    // A denied code cannot be approved after.
    const csrf = await s.browser.csrfOf('/device');
    const again = await s.browser.submit('/device/decide', { csrf, user_code: denied.user_code, decision: 'approve' });
    expect(again.status).toBe(400);

    const late = await start(s);
    s.clock.advance(601);
    await expectError(await poll(s, late.device_code), 400, 'expired_token');
    const lookup = await s.browser.submit('/device', { csrf, user_code: late.user_code });
    expect(lookup.status).toBe(400);
    expect(await lookup.text()).toContain('not valid, or has expired');
  });

  it('refuses a client not allowed the grant, an unknown client, a scope it lacks, and another client’s device code', async () => {
    const s = await setUp();
    const plain = await register(s.client, { public: true });
    const form = (fields: Record<string, string>) => s.client.post('/oauth/device_authorization', { form: fields });
    await expectError(await form({ client_id: plain.clientId }), 400, 'unauthorized_client');
    await expectError(await form({ client_id: '8d7c2a1e-0000-4000-8000-000000000000' }), 401, 'invalid_client');
    await expectError(await form({}), 401, 'invalid_client');
    const narrow = await register(s.client, { allowDeviceGrant: true, redirectUris: [], scopes: ['openid'] });
    await expectError(await form({ client_id: narrow.clientId, scope: 'openid email' }), 400, 'invalid_scope');
    const started = await start(s);
    const stolen = await s.client.post('/oauth/token', {
      form: { grant_type: DEVICE_GRANT, device_code: started.device_code, client_id: narrow.clientId },
    });
    await expectError(stolen, 400, 'invalid_grant');
    await expectError(await poll(s, 'not-a-device-code'), 400, 'invalid_grant');
    // A client of the device grant alone needs no redirect URI; any other client does.
    const refused = await s.client.admin('POST', '/admin/v1/clients', { body: { name: 'x', public: true, redirectUris: [] } });
    expect(refused.status).toBe(400);
  });

  it('sends a browser that is not signed in to sign in first, and refuses a form without its CSRF token', async () => {
    const s = await setUp();
    const started = await start(s);
    const stranger = newBrowser(s.client);
    const page = await stranger.get(`/device?user_code=${started.user_code}`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/signin?return=${encodeURIComponent(`/device?user_code=${started.user_code}`)}`);
    const forged = await s.browser.submit('/device/decide', { csrf: 'x'.repeat(43), user_code: started.user_code, decision: 'approve' });
    expect(forged.status).toBe(403);
    await expectError(await poll(s, started.device_code), 400, 'authorization_pending');
  });
});
