// Faults at every step of the flows second factors added: a password sign-in finished with a
// one-time code (the code's step is spent in the batch that starts the session, so a failed attempt
// leaves the code unspent and the retry takes it), a sign-in with a passkey alone (its challenge
// and signature counter likewise), and the operator's removal of a user's factors
// (factors, recovery codes, passkeys and every session in one batch, then the revocation's KV mark,
// which waits in kv_backlog when KV refuses it).
import { describe, expect, it } from 'vitest';
import { createUser, passwordGrant, verifyStatus, type Tokens } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { newBrowser } from '../support/browser';
import { addPasskeyFromAccount, enrolAuthenticator, passkeySignInFields, totpNow } from '../support/second-factors';
import { revocationDuringKvOutage, sweepFaults, type Flow } from './support';

async function factorRows(client: Client, userId: string): Promise<{ totp: number; recovery: number }> {
  const count = async (table: string) =>
    (await client.env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`).bind(userId).first<{ n: number }>())!.n;
  return { totp: await count('totp_factors'), recovery: await count('recovery_codes') };
}

async function sessionCount(client: Client, userId: string): Promise<number> {
  const row = await client.env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL')
    .bind(userId)
    .first<{ n: number }>();
  return row!.n;
}

/** A user with an authenticator app on. */
async function enrolled(healthy: Client) {
  const user = await createUser(healthy);
  const { key } = await enrolAuthenticator(healthy, user.email, user.password);
  return { user, key };
}

const codeSignIn: Flow = {
  name: 'OAuth password grant with a one-time code',
  face: 'oauth',
  partial: {
    totp_factors:
      'the code’s step is spent when the code is checked (one conditional UPDATE, so one code cannot start two sessions); a failure after it leaves the step spent and no session: the person types the next code',
  },
  async prepare(healthy) {
    const { user, key } = await enrolled(healthy);
    const before = await sessionCount(healthy, user.id);
    // The same code for the attempt and its retry: a failed attempt must not have spent it.
    const otp = totpNow(healthy, key);
    return {
      run: (c) => c.post('/oauth/token', { form: { grant_type: 'password', username: user.email, password: user.password, otp } }),
      secrets: [user.password, otp],
      subject: user.id,
      done: async (h) => {
        expect(await sessionCount(h, user.id), 'a session was made').toBe(before + 1);
      },
      undone: async (h) => {
        expect(await sessionCount(h, user.id), 'no session was made').toBe(before);
      },
      afterPartial: async (h) => {
        expect(await sessionCount(h, user.id), 'no session was made').toBe(before);
        h.clock.advance(30);
        const next = await h.post('/oauth/token', {
          form: { grant_type: 'password', username: user.email, password: user.password, otp: totpNow(h, key) },
        });
        expect(next.status, `the next code signs in: ${await next.clone().text()}`).toBe(200);
      },
    };
  },
};

/** A user with a passkey, added from the account page. */
async function withPasskey(healthy: Client) {
  const user = await createUser(healthy);
  return { user, passkey: await addPasskeyFromAccount(healthy, user.email, user.password) };
}

const passkeySignIn: Flow = {
  name: 'Sign-in with a passkey alone (hosted page)',
  face: 'page',
  partial: {
    passkey_challenges:
      'the challenge is spent before the answer is checked (one conditional UPDATE, so a signed answer counts once); a failure after it leaves no session: the page asks the authenticator again, with a new challenge',
    passkeys:
      'the signature counter and last use move when the answer is checked (a conditional UPDATE, so a cloned authenticator cannot pass in between); a failure after it leaves no session, and the next answer’s counter is higher',
  },
  async prepare(healthy) {
    const { user, passkey } = await withPasskey(healthy);
    const before = await sessionCount(healthy, user.id);
    // The browser's ceremony, up to the signed answer; the attempt posts it (and its retry the same).
    const browser = newBrowser(healthy);
    const fields = await passkeySignInFields(browser, passkey);
    return {
      run: (c) => {
        const same = newBrowser(c);
        for (const [name, value] of browser.cookies) same.cookies.set(name, value);
        return same.submit('/signin/passkey', fields);
      },
      secrets: [user.password],
      subject: user.id,
      done: async (h) => {
        expect(await sessionCount(h, user.id), 'a browser session was made').toBe(before + 1);
      },
      undone: async (h) => {
        expect(await sessionCount(h, user.id), 'no session was made').toBe(before);
      },
      afterPartial: async (h) => {
        expect(await sessionCount(h, user.id), 'no session was made').toBe(before);
        const again = newBrowser(h);
        const answer = await again.submit('/signin/passkey', await passkeySignInFields(again, passkey));
        expect(answer.status, 'a new ceremony signs in').toBe(303);
      },
    };
  },
};

let edge: Client | undefined;

/** Whether another isolate (KV, not the memory of the one that revoked) takes the token. */
function freshVerify(token: string): Promise<number> {
  edge ??= newClient();
  edge.newAddress();
  return verifyStatus(edge, token);
}

const operatorRemoval: Flow = {
  name: 'Operator removes a user’s second factors',
  face: 'management',
  async prepare(healthy) {
    const { user, key } = await enrolled(healthy);
    // Mail an earlier attempt left waiting for its retry is sent now, so this attempt's tables
    // change only by what it does.
    healthy.clock.advance(61);
    await healthy.scheduled();
    const signedIn = await healthy.post('/oauth/token', {
      form: { grant_type: 'password', username: user.email, password: user.password, otp: totpNow(healthy, key) },
    });
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);
    const tokens = await json<Tokens>(signedIn);
    expect(await verifyStatus(healthy, tokens.access_token)).toBe(200);
    return {
      run: (c) => c.admin('DELETE', `/admin/v1/users/${user.id}/mfa`),
      secrets: [user.password, tokens.access_token, tokens.refresh_token, healthy.accountToken],
      subject: user.id,
      done: async (h) => {
        expect(await factorRows(h, user.id)).toEqual({ totp: 0, recovery: 0 });
        expect(await sessionCount(h, user.id), 'every session ended').toBe(0);
        expect(await freshVerify(tokens.access_token), 'the edge refuses the token').toBe(401);
        expect((await passwordGrant(h, user.email, user.password)).status, 'the password alone signs in again').toBe(200);
      },
      undone: async (h) => {
        const rows = await factorRows(h, user.id);
        expect(rows.totp, 'the app is still on').toBe(1);
        expect(rows.recovery, 'the recovery codes are still there').toBeGreaterThan(0);
        expect(await sessionCount(h, user.id), 'the session is still live').toBeGreaterThan(0);
      },
    };
  },
};

describe('faults at every step', () => {
  it.each([codeSignIn, passkeySignIn, operatorRemoval])('$name', async (flow) => {
    await sweepFaults(flow);
  });
});

describe('a removal of second factors while KV refuses every write', () => {
  it('leaves the epoch mark in kv_backlog, and the next Cron run lands it', () => revocationDuringKvOutage(operatorRemoval));
});
