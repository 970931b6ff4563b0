// Issue 13: `email_verified` only when verified. The ID token and /oauth/userinfo say true only once
// a mail to the current address was acted on (the confirmation link, page or API, or a spent reset
// code), not merely because the account is `confirmed` (true from the start with
// EMAIL_CONFIRMATION off); a changed address is unproven again, and a code mailed to the old
// address proves nothing about the new one.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/accounts';
import { newBrowser } from '../support/browser';
import { json, newClient, strongPassword, type Client } from '../support/driver';
import { logIn as gatekeeperLogIn, register as gatekeeperRegister, type GatekeeperAccount } from '../gatekeeper/steps';
import { mailedCode, register as serviceRegister } from '../user-service/steps';
import { codeCallback, discover, exchange, register, type Setup } from './flow';

/** What the ID token and /oauth/userinfo say of the address, after a fresh sign-in and code flow. */
async function verifiedClaims(client: Client, clientId: string, login: string, password: string) {
  const browser = newBrowser(client);
  expect((await browser.signIn(login, password)).status).toBe(303);
  // A Setup for this user's browser (the flow's steps read no `user`).
  const s = {
    client,
    as: await discover(client),
    app: { client_id: clientId },
    auth: oauth.None(),
    browser,
    options: { [oauth.customFetch]: client.fetch },
  } as Setup;
  const { params, pkce } = await codeCallback(s);
  const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
    expectedNonce: pkce.nonce,
  });
  const id = oauth.getValidatedIdTokenClaims(tokens)!;
  const info = await json(await client.get('/oauth/userinfo', { token: tokens.access_token }));
  expect(info.email).toBe(id.email);
  return { idToken: id.email_verified, userinfo: info.email_verified };
}

const NOT_VERIFIED = { idToken: false, userinfo: false };
const VERIFIED = { idToken: true, userinfo: true };

function changeEmail(client: Client, account: GatekeeperAccount & { token: string }, email: string) {
  return client.put('/api/v2/users', {
    token: account.token,
    body: { username: account.username, password: account.password, email, user_type: 'developer' },
  });
}

async function mailedResetCode(client: Client, email: string): Promise<string> {
  expect((await client.post('/v1/users/newPassword', { body: { email } })).status).toBe(200);
  return (await mailedCode(client, email)).code;
}

describe('email_verified', () => {
  it('is false for an address no mail proved, true once a mailed reset code is spent, false again after the address changes', async () => {
    const client = newClient();
    const { clientId } = await register(client);
    const account = await gatekeeperRegister(client);
    expect(await verifiedClaims(client, clientId, account.email, account.password)).toEqual(NOT_VERIFIED);

    const code = await mailedResetCode(client, account.email);
    const password = strongPassword();
    expect((await client.post('/v1/users/resetPassword', { body: { code, password } })).status).toBe(200);
    expect(await verifiedClaims(client, clientId, account.email, password)).toEqual(VERIFIED);

    const me = await gatekeeperLogIn(client, { ...account, password });
    const moved = `moved-${account.email}`;
    expect((await changeEmail(client, me, moved)).status).toBe(200);
    expect(await verifiedClaims(client, clientId, moved, password)).toEqual(NOT_VERIFIED);
  });

  it('stays false when a reset code mailed to the old address is spent after the address changed', async () => {
    const client = newClient();
    const { clientId } = await register(client);
    const account = await gatekeeperRegister(client);
    const code = await mailedResetCode(client, account.email);
    const moved = `moved-${account.email}`;
    expect((await changeEmail(client, await gatekeeperLogIn(client, account), moved)).status).toBe(200);
    const password = strongPassword();
    expect((await client.post('/v1/users/resetPassword', { body: { code, password } })).status).toBe(200);
    expect(await verifiedClaims(client, clientId, moved, password)).toEqual(NOT_VERIFIED);
  });

  it('is true once the confirmation link is used (page or /activate), and not for an account made confirmed', async () => {
    const client = newClient({ vars: { EMAIL_CONFIRMATION: 'on' } });
    const { clientId } = await register(client);
    // The operator's account starts confirmed even with EMAIL_CONFIRMATION on: no mail proved it.
    const made = await createUser(client);
    expect(await verifiedClaims(client, clientId, made.email, made.password)).toEqual(NOT_VERIFIED);

    const byPage = await serviceRegister(client);
    const { code: pageCode } = await mailedCode(client, byPage.email);
    expect((await newBrowser(client).get(`/confirm-email?code=${encodeURIComponent(pageCode)}`)).status).toBe(200);
    expect(await verifiedClaims(client, clientId, byPage.email, byPage.password)).toEqual(VERIFIED);

    const byApi = await serviceRegister(client);
    const { code: apiCode } = await mailedCode(client, byApi.email);
    expect((await client.get(`/v1/users/activate?code=${encodeURIComponent(apiCode)}`)).status).toBe(200);
    expect(await verifiedClaims(client, clientId, byApi.email, byApi.password)).toEqual(VERIFIED);
  });
});
