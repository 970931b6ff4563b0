// The two seams of issue 20, seen through HTTP: a session records how its person proved who they
// are (RFC 8176 `amr`), which its ID token (and default-profile access token) carries; and every
// revocation records a typed reason for whoever audits it later.
import { env } from 'cloudflare:workers';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { claimsOf, createUser, logIn } from '../support/accounts';
import { newBrowser } from '../support/browser';
import type { Client } from '../support/driver';
import { newClient } from '../support/driver';
import { codeCallback, exchange, setUp } from './flow';

function sessionRow(client: Client, id: string) {
  return client.env.DB.prepare('SELECT kind, amr, revoked_reason FROM sessions WHERE id = ?')
    .bind(id)
    .first<{ kind: string; amr: string | null; revoked_reason: string | null }>();
}

function sessionsOf(client: Client, userId: string) {
  return client.env.DB.prepare('SELECT id, kind, amr, revoked_reason FROM sessions WHERE user_id = ? ORDER BY created_at, rowid')
    .bind(userId)
    .all<{ id: string; kind: string; amr: string | null; revoked_reason: string | null }>()
    .then((result) => result.results);
}

describe('how a person proved who they are (amr)', () => {
  it('a password sign-in\'s ID token carries amr ["pwd"], and both sessions record it', async () => {
    const s = await setUp();
    const { params, pkce } = await codeCallback(s);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), {
      expectedNonce: pkce.nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)!.amr).toEqual(['pwd']);
    // The access token of the default profile carries it too.
    const sid = claimsOf(tokens.access_token).sid as string;
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd']);
    // The code's session inherits the browser sign-in's amr; the browser session recorded it first.
    expect(await sessionRow(s.client, sid)).toMatchObject({ kind: 'refresh', amr: '["pwd"]' });
    const browser = (await sessionsOf(s.client, s.user.id)).find((row) => row.kind === 'browser');
    expect(browser?.amr).toBe('["pwd"]');
    // A refresh keeps it.
    const refreshed = await oauth.processRefreshTokenResponse(
      s.as,
      s.app,
      await oauth.refreshTokenGrantRequest(s.as, s.app, s.auth, tokens.refresh_token!, s.options),
    );
    expect(claimsOf(refreshed.access_token).amr).toEqual(['pwd']);
  });

  it('a password grant records amr on its session; a legacy-profile token keeps its shape, without amr', async () => {
    const client = newClient();
    const user = await createUser(client);
    const tokens = await logIn(client, user);
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd']);
    expect((await sessionRow(client, claimsOf(tokens.access_token).sid as string))?.amr).toBe('["pwd"]');

    const legacy = newClient({ vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS as string, USER_SERVICE_TOKEN_PROFILE: 'legacy' } });
    const other = await createUser(legacy);
    const login = await legacy.post('/v1/users/login', { body: { email: other.email, password: other.password } });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect(claimsOf(accessToken).amr).toBeUndefined();
    expect((await sessionsOf(legacy, other.id))[0]?.amr).toBe('["pwd"]');
  });
});

describe('revocations record a typed reason', () => {
  it('the operator, a role change, a disable, a client revoke and a sign-out each say why', async () => {
    const client = newClient();
    const user = await createUser(client);
    const byOperator = await logIn(client, user);
    const operatorSid = claimsOf(byOperator.access_token).sid as string;
    expect((await client.admin('DELETE', `/admin/v1/sessions/${operatorSid}`)).status).toBe(204);
    expect((await sessionRow(client, operatorSid))?.revoked_reason).toBe('operator');

    const beforeRole = claimsOf((await logIn(client, user)).access_token).sid as string;
    expect((await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { role: 'admin' } })).status).toBe(200);
    expect((await sessionRow(client, beforeRole))?.revoked_reason).toBe('role_changed');

    const beforeDisable = claimsOf((await logIn(client, user)).access_token).sid as string;
    expect((await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: true } })).status).toBe(200);
    expect((await sessionRow(client, beforeDisable))?.revoked_reason).toBe('user_disabled');
    expect((await client.admin('PATCH', `/admin/v1/users/${user.id}`, { body: { disabled: false } })).status).toBe(200);

    const revoked = await logIn(client, user);
    expect((await client.post('/oauth/revoke', { form: { token: revoked.refresh_token } })).status).toBe(200);
    expect((await sessionRow(client, claimsOf(revoked.access_token).sid as string))?.revoked_reason).toBe('oauth_revoke');

    const browser = newBrowser(client);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const csrf = await browser.csrfOf('/account');
    expect((await browser.submit('/signout', { csrf })).status).toBe(303);
    const signedOut = (await sessionsOf(client, user.id)).filter((row) => row.kind === 'browser');
    expect(signedOut.map((row) => row.revoked_reason)).toEqual(['sign_out']);
  });
});
