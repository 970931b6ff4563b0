// Every password login of the API asks a user with a second factor for a one-time code: the OAuth
// password grant, the User Service's login and the Gatekeeper's sessions each take an optional
// `otp` (a code from the authenticator app or a recovery code). Without it: no token, a 403 in
// the face's dialect naming mfa_required; a wrong password answers the same with a factor or
// without. A code is taken once; a recovery code works once; the session's amr says pwd, otp, mfa.
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser, type TestUser } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { enrolAuthenticator, totpNow } from '../support/second-factors';
import { lastMail } from '../user-service/steps';

interface Face {
  name: string;
  login: (client: Client, user: TestUser & { username: string }, password: string, otp?: string) => Promise<Response>;
  /** The access token of a 200 answer. */
  tokenOf: (body: Record<string, unknown>) => string;
  /** The error body of a refusal, as text (its dialect). */
  refusal: RegExp;
}

const FACES: Face[] = [
  {
    name: 'POST /oauth/token (password grant)',
    login: (client, user, password, otp) =>
      client.post('/oauth/token', {
        form: { grant_type: 'password', username: user.email, password, ...(otp === undefined ? {} : { otp }) },
      }),
    tokenOf: (body) => body.access_token as string,
    refusal: /"error":"mfa_required"/,
  },
  {
    name: 'POST /v1/users/login',
    login: (client, user, password, otp) =>
      client.post('/v1/users/login', { body: { email: user.email, password, ...(otp === undefined ? {} : { otp }) } }),
    tokenOf: (body) => body.accessToken as string,
    refusal: /^\{"error":"mfa_required[^"]*"\}$/,
  },
  {
    name: 'POST /api/v2/sessions',
    login: (client, user, password, otp) =>
      client.post('/api/v2/sessions', { body: { username: user.username, password, ...(otp === undefined ? {} : { otp }) } }),
    tokenOf: (body) => (body.token as { access_token: string }).access_token,
    refusal: /^\{"error":\{"code":403,"message":"Forbidden: mfa_required[^"]*"\}\}$/,
  },
];

async function enrolledUser(client: Client) {
  const username = `mfa_${crypto.randomUUID().slice(0, 8)}`;
  const user = { ...(await createUser(client, { username })), username };
  const enrolled = await enrolAuthenticator(client, user.email, user.password);
  return { user, ...enrolled };
}

describe.each(FACES)('$name with a second factor', (face) => {
  it('refuses the password alone (mfa_required, no token), and a wrong password answers as for a user without a factor', async () => {
    const client = newClient();
    const { user } = await enrolledUser(client);
    const refused = await face.login(client, user, user.password);
    const text = await refused.text();
    expect(refused.status).toBe(403);
    expect(text).toMatch(face.refusal);
    expect(text).not.toMatch(/access_token|accessToken/);

    const plainName = `plain_${crypto.randomUUID().slice(0, 8)}`;
    const plain = { ...(await createUser(client, { username: plainName })), username: plainName };
    const wrongWithFactor = await face.login(client, user, `${user.password}x`);
    const wrongWithout = await face.login(client, plain, `${plain.password}x`);
    expect(wrongWithFactor.status).toBe(wrongWithout.status);
    expect(await wrongWithFactor.text()).toBe(await wrongWithout.text());
    // With a wrong password, a right code changes nothing either.
    const wrongWithCode = await face.login(client, user, `${user.password}x`, totpNow(client, new Uint8Array(20)));
    expect(wrongWithCode.status).toBe(wrongWithout.status);
  });

  it('accepts a right code once (amr pwd, otp, mfa); the same code again is refused', async () => {
    const client = newClient();
    const { user, key } = await enrolledUser(client);
    const code = totpNow(client, key);
    const accepted = await face.login(client, user, user.password, code);
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    const token = face.tokenOf(await json(accepted));
    expect(claimsOf(token).amr).toEqual(['pwd', 'otp', 'mfa']);

    const replayed = await face.login(client, user, user.password, code);
    expect(replayed.status).toBe(400);
    // One step of skew: the next step's code is taken now; a code two steps away is not.
    expect((await face.login(client, user, user.password, totpNow(client, key, 2))).status).toBe(400);
    expect((await face.login(client, user, user.password, totpNow(client, key, 1))).status).toBe(200);
  });

  it('a recovery code works once, with or without its dashes', async () => {
    const client = newClient();
    const { user, recoveryCodes } = await enrolledUser(client);
    const [first, second] = recoveryCodes as [string, string];
    expect((await face.login(client, user, user.password, first)).status).toBe(200);
    expect((await face.login(client, user, user.password, first)).status).toBe(400);
    expect((await face.login(client, user, user.password, second.replaceAll('-', '').toUpperCase())).status).toBe(200);
  });
});

describe('wrong codes and the lockout', () => {
  it('counts wrong codes like wrong passwords: after the threshold, even a right code is refused for a while', async () => {
    const client = newClient({ vars: { LOGIN_LOCKOUT_THRESHOLD: '3' } });
    const { user, key } = await enrolledUser(client);
    const [oauth] = FACES as [Face];
    for (let i = 0; i < 3; i++) expect((await oauth.login(client, user, user.password, '000000')).status).toBe(400);
    const locked = await oauth.login(client, user, user.password, totpNow(client, key));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).not.toBeNull();
    client.clock.advance(120);
    expect((await oauth.login(client, user, user.password, totpNow(client, key))).status).toBe(200);
  });

  it('a login without a second factor is unchanged: amr pwd, and an otp sent anyway is ignored', async () => {
    const client = newClient();
    const user = await createUser(client);
    const [oauth] = FACES as [Face];
    const response = await oauth.login(client, { ...user, username: user.email }, user.password, '123456');
    expect(response.status).toBe(200);
    expect(claimsOf(face0Token(await json(response))).amr).toEqual(['pwd']);
  });
});

function face0Token(body: Record<string, unknown>): string {
  return body.access_token as string;
}

describe('DELETE /admin/v1/users/:id/mfa', () => {
  it('removes the second factors and ends every session of the user; the password alone signs in again', async () => {
    const client = newClient();
    const { user, key } = await enrolledUser(client);
    const [oauth] = FACES as [Face];
    const signedIn = await oauth.login(client, user, user.password, totpNow(client, key));
    const token = face0Token(await json(signedIn));
    expect((await client.get('/auth/verify?ecosystem=*', { token })).status).toBe(200);

    expect((await client.admin('DELETE', `/admin/v1/users/${user.id}/mfa`)).status).toBe(204);
    expect((await lastMail(client, user.email)).subject).toBe('Two-step sign-in is off');
    expect((await client.get('/auth/verify?ecosystem=*', { token })).status).toBe(401);
    const after = await oauth.login(client, user, user.password);
    expect(after.status).toBe(200);
    expect(claimsOf(face0Token(await json(after))).amr).toEqual(['pwd']);
    const revoked = await client.env.DB.prepare('SELECT revoked_reason FROM sessions WHERE user_id = ? AND revoked_at IS NOT NULL')
      .bind(user.id)
      .all<{ revoked_reason: string }>();
    expect(revoked.results.map((row) => row.revoked_reason)).toContain('mfa_removed');
    // Without the account token, or for no such user: refused.
    expect((await client.delete(`/admin/v1/users/${user.id}/mfa`)).status).toBe(401);
    expect((await client.admin('DELETE', `/admin/v1/users/${crypto.randomUUID()}/mfa`)).status).toBe(404);
  });
});

describe('introspection of a token from a sign-in with a code', () => {
  it('says how its person signed in (amr), as the token does', async () => {
    const client = newClient();
    const { user, key } = await enrolledUser(client);
    const withCode = await FACES[0]!.login(client, user, user.password, totpNow(client, key));
    expect(withCode.status, await withCode.clone().text()).toBe(200);
    const introspect = async (token: string) =>
      json(await client.post('/oauth/introspect', { token: client.accountToken, form: { token } }));
    expect(await introspect(((await json(withCode)) as { access_token: string }).access_token)).toMatchObject({
      active: true,
      sub: user.id,
      amr: ['pwd', 'otp', 'mfa'],
    });
    const plain = await createUser(client);
    const passwordOnly = await json<{ access_token: string }>(
      await client.post('/oauth/token', { form: { grant_type: 'password', username: plain.email, password: plain.password } }),
    );
    expect(await introspect(passwordOnly.access_token)).toMatchObject({ active: true, amr: ['pwd'] });
  });
});
