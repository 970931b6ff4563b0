// The second-factor policy of an ecosystem: the operator sets `mfa` (everyone) and `admins`; where a
// second factor is required and the account has none, the API logins answer mfa_enrollment_required
// in each face's dialect (a wrong password answers as always), and the hosted sign-in sets up an
// authenticator app before any session exists. An admin who turned a factor on keeps it by default.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, type Client } from '../support/driver';
import { enrolAuthenticator, listedCodes, totpNow } from '../support/second-factors';
import { expectPage, SESSION } from '../pages/support';

const policyPath = (ecosystemId: string) => `/admin/v1/ecosystems/${ecosystemId}/mfa-policy`;

/** A client whose default ecosystem is its own, so its policy touches no other test (made by setting the default policy). */
async function isolatedClient(made = true): Promise<{ client: Client; ecosystem: string }> {
  const ecosystem = `mfa-${crypto.randomUUID().slice(0, 8)}`;
  const client = newClient({ vars: { DEFAULT_ECOSYSTEM: ecosystem } });
  if (made) expect((await client.admin('PUT', policyPath(ecosystem), { body: {} })).status).toBe(200);
  return { client, ecosystem };
}

async function userOf(client: Client, fields: Record<string, unknown> = {}) {
  const username = `pol_${crypto.randomUUID().slice(0, 8)}`;
  return { ...(await createUser(client, { username, ...fields })), username };
}

/** Signs in on the hosted pages where enrolment is required: sets up the app from the enrolment page; its key. */
async function enrolAtSignIn(client: Client, user: { email: string; password: string }): Promise<Uint8Array> {
  const browser = newBrowser(client);
  const page = await expectPage(await browser.signIn(user.email, user.password), 200);
  const key = decodeBase32IgnorePadding(/id="totp-secret">([A-Z2-7]+)</.exec(page)![1]!);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const challenge = /name="challenge" value="([^"]+)"/.exec(page)![1]!;
  expect((await browser.submit('/signin/enrol', { csrf, challenge, code: totpNow(client, key), return: '/account' })).status).toBe(200);
  client.clock.advance(30);
  return key;
}

const LOGINS = [
  {
    name: 'POST /oauth/token (password grant)',
    login: (client: Client, user: { email: string }, password: string) =>
      client.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password } }),
    refusal: /^\{"error":"mfa_enrollment_required","error_description":"[^"]+"\}$/,
  },
  {
    name: 'POST /v1/users/login',
    login: (client: Client, user: { email: string }, password: string) =>
      client.post('/v1/users/login', { body: { email: user.email, password } }),
    refusal: /^\{"error":"mfa_enrollment_required[^"]*"\}$/,
  },
  {
    name: 'POST /api/v2/sessions',
    login: (client: Client, user: { username: string }, password: string) =>
      client.post('/api/v2/sessions', { body: { username: user.username, password } }),
    refusal: /^\{"error":\{"code":403,"message":"Forbidden: mfa_enrollment_required[^"]*"\}\}$/,
  },
];

describe('the operator’s second-factor policy', () => {
  it('reads the defaults, sets and resets the policy with an ecosystem.updated event, refuses a bad value', async () => {
    const { client, ecosystem } = await isolatedClient(false);
    expect(await json(await client.admin('GET', policyPath(ecosystem)))).toEqual({
      own: { mfa: null, admins: null },
      effective: { mfa: 'optional', admins: 'once-enrolled' },
    });
    const set = await client.admin('PUT', policyPath(ecosystem), { body: { mfa: 'required' } });
    expect(set.status).toBe(200);
    expect(await json(set)).toEqual({ own: { mfa: 'required', admins: null }, effective: { mfa: 'required', admins: 'required' } });
    const updates = await json(await client.admin('GET', `/admin/v1/events?ecosystemId=${ecosystem}&type=ecosystem.updated`));
    expect(updates.items[0]).toMatchObject({
      actor: { type: 'operator' },
      details: { fields: ['mfaPolicy'], mfa: 'required', admins: null },
    });

    const bad = await client.admin('PUT', policyPath(ecosystem), { body: { mfa: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { code: 'INVALID_FIELD' } });
    expect((await client.admin('PUT', policyPath('no-such-ecosystem'), { body: { mfa: 'required' } })).status).toBe(404);
    expect((await client.admin('GET', policyPath('no-such-ecosystem'))).status).toBe(404);
    expect(await json(await client.admin('PUT', policyPath(ecosystem), { body: {} }))).toMatchObject({ effective: { mfa: 'optional' } });
  });
});

describe.each(LOGINS)('$name where a second factor is required', (face) => {
  it('answers mfa_enrollment_required (no token) to an account without one; a wrong password answers as always', async () => {
    const { client, ecosystem } = await isolatedClient();
    const user = await userOf(client);
    const wrongBefore = await face.login(client, user, `${user.password}x`);
    const wrongBeforeText = await wrongBefore.text();
    expect((await face.login(client, user, user.password)).status).toBe(200);

    await client.admin('PUT', policyPath(ecosystem), { body: { mfa: 'required' } });
    const refused = await face.login(client, user, user.password);
    const text = await refused.text();
    expect(refused.status).toBe(403);
    expect(text).toMatch(face.refusal);
    const wrong = await face.login(client, user, `${user.password}x`);
    expect(wrong.status).toBe(wrongBefore.status);
    expect(await wrong.text()).toBe(wrongBeforeText);

    // Enrolled (on the hosted sign-in): the password and a code sign in.
    const key = await enrolAtSignIn(client, user);
    const withCode =
      face.name === 'POST /api/v2/sessions'
        ? await client.post('/api/v2/sessions', { body: { username: user.username, password: user.password, otp: totpNow(client, key) } })
        : face.name === 'POST /v1/users/login'
          ? await client.post('/v1/users/login', { body: { email: user.email, password: user.password, otp: totpNow(client, key) } })
          : await client.post('/oauth/token', {
              form: { grant_type: 'password', username: user.email, password: user.password, otp: totpNow(client, key) },
            });
    expect(withCode.status).toBe(200);
  });
});

describe('the hosted sign-in where a second factor is required', () => {
  it('sets up an authenticator app before any session exists, then signs in with amr pwd, otp, mfa', async () => {
    const { client, ecosystem } = await isolatedClient();
    await client.admin('PUT', policyPath(ecosystem), { body: { mfa: 'required' } });
    const user = await userOf(client);
    const browser = newBrowser(client);
    const page = await expectPage(await browser.signIn(user.email, user.password), 200);
    expect(page).toContain('Set up two-step sign-in');
    expect(browser.cookies.has(SESSION)).toBe(false);
    expect(page).toContain('autocomplete="one-time-code"');
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const challenge = /name="challenge" value="([^"]+)"/.exec(page)![1]!;

    const wrong = await expectPage(await browser.submit('/signin/enrol', { csrf, challenge, code: '000000', return: '/account' }), 401);
    expect(wrong).toContain(secret);
    expect(browser.cookies.has(SESSION)).toBe(false);

    const key = decodeBase32IgnorePadding(secret);
    const done = await expectPage(
      await browser.submit('/signin/enrol', { csrf, challenge, code: totpNow(client, key), return: '/account' }),
      200,
    );
    expect(listedCodes(done)).toHaveLength(10);
    expect(done).toContain('href="/account"');
    expect(browser.cookies.has(SESSION)).toBe(true);
    const session = await client.env.DB.prepare("SELECT amr FROM sessions WHERE user_id = ? AND kind = 'browser'")
      .bind(user.id)
      .first<{ amr: string }>();
    expect(JSON.parse(session!.amr)).toEqual(['pwd', 'otp', 'mfa']);
    // The challenge made its session; it makes no other.
    client.clock.advance(30);
    const again = await browser.submit('/signin/enrol', {
      csrf: await browser.csrfOf('/signin'),
      challenge,
      code: totpNow(client, key),
      return: '/account',
    });
    expect(again.status).toBe(400);

    // The app is on: the API's password grant takes its code; the factor cannot be turned off.
    const granted = await client.post('/oauth/token', {
      form: { grant_type: 'password', username: user.email, password: user.password, otp: totpNow(client, key) },
    });
    expect(claimsOf((await json(granted)).access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    const off = await browser.submit('/account/mfa/off', { csrf: await browser.csrfOf('/account') });
    expect(await expectPage(off, 403)).toContain('cannot be turned off');
  });
});

describe('admins', () => {
  it('by default an admin signs in with a password until enrolled, and then keeps the factor; "required" makes them enrol', async () => {
    const { client, ecosystem } = await isolatedClient();
    const admin = await userOf(client, { role: 'admin' });
    const user = await userOf(client);
    expect((await LOGINS[0]!.login(client, admin, admin.password)).status).toBe(200);
    const { browser } = await enrolAuthenticator(client, admin.email, admin.password);
    const off = await browser.submit('/account/mfa/off', { csrf: await browser.csrfOf('/account') });
    expect(off.status).toBe(403);

    const other = await userOf(client, { role: 'admin' });
    await client.admin('PUT', policyPath(ecosystem), { body: { admins: 'required' } });
    const refused = await LOGINS[0]!.login(client, other, other.password);
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ error: 'mfa_enrollment_required' });
    expect((await LOGINS[0]!.login(client, user, user.password)).status).toBe(200);

    // "optional": an enrolled admin may turn the factor off.
    await client.admin('PUT', policyPath(ecosystem), { body: { admins: 'optional' } });
    const offNow = await browser.submit('/account/mfa/off', { csrf: await browser.csrfOf('/account') });
    expect(offNow.status).toBe(303);
  });
});
