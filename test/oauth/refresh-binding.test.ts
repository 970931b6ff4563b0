// Refresh tokens bound to their client (OAuth 2.1 4.3.1): a token the authorization_code grant
// issued is refreshed only by the client it was issued to (a public one names itself, a
// confidential one authenticates); another client, or none, gets invalid_grant and leaves the token
// as it was. RFC 7009 2.1: another authenticated client's revocation leaves it alone. Tokens of the
// legacy password grant (no client) refresh and revoke as before.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { logIn, refreshGrant } from '../support/accounts';
import { json, type Client } from '../support/driver';
import { codeCallback, exchange, register, setUp, type Setup } from './flow';

async function codeTokens(s: Setup) {
  const { params, pkce } = await codeCallback(s);
  return oauth.processAuthorizationCodeResponse(s.as, s.app, await exchange(s, params, pkce.verifier), { expectedNonce: pkce.nonce });
}

function refresh(client: Client, refreshToken: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return client.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...fields }, headers });
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`,
});

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(await json(response)).toMatchObject({ error });
}

describe('refresh tokens bound to their client', () => {
  it('refreshes a public client’s token only with its client_id; without one or as another client, invalid_grant and the token still works', async () => {
    const s = await setUp();
    const tokens = await codeTokens(s);
    const other = await register(s.client);
    await expectError(await refresh(s.client, tokens.refresh_token!), 400, 'invalid_grant');
    await expectError(await refresh(s.client, tokens.refresh_token!, { client_id: other.clientId }), 400, 'invalid_grant');
    // The refusals spent nothing: the rightful client's refresh goes on, and so does its successor.
    const refreshed = await refresh(s.client, tokens.refresh_token!, { client_id: s.app.client_id });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const next = (await json(refreshed)).refresh_token;
    await expectError(await refresh(s.client, next), 400, 'invalid_grant');
    expect((await refresh(s.client, next, { client_id: s.app.client_id })).status).toBe(200);

    // The legacy password grant's tokens (bound to no client) refresh and revoke as before, whatever client_id is sent.
    const legacy = await refreshGrant(s.client, (await logIn(s.client, s.user)).refresh_token);
    expect(legacy.status).toBe(200);
    const legacyNext = await refresh(s.client, (await json(legacy)).refresh_token, { client_id: 'gatehouse' });
    expect(legacyNext.status).toBe(200);
    const legacyToken = (await json(legacyNext)).refresh_token;
    expect((await s.client.post('/oauth/revoke', { form: { token: legacyToken, client_id: s.app.client_id } })).status).toBe(200);
    await expectError(await refreshGrant(s.client, legacyToken), 400, 'invalid_grant');
  });

  it('makes a confidential client authenticate: no credentials is invalid_grant, a wrong secret invalid_client', async () => {
    const s = await setUp({ public: false });
    const tokens = await codeTokens(s);
    await expectError(await refresh(s.client, tokens.refresh_token!), 400, 'invalid_grant');
    await expectError(await refresh(s.client, tokens.refresh_token!, { client_id: s.app.client_id }), 401, 'invalid_client');
    await expectError(await refresh(s.client, tokens.refresh_token!, {}, basic(s.app.client_id, 'wrong')), 401, 'invalid_client');
    const other = await register(s.client, { public: false });
    await expectError(await refresh(s.client, tokens.refresh_token!, {}, basic(other.clientId, other.clientSecret!)), 400, 'invalid_grant');
    const refreshed = await oauth.refreshTokenGrantRequest(s.as, s.app, s.auth, tokens.refresh_token!, s.options);
    expect(refreshed.status).toBe(200);
  });

  it('leaves a token alone when another authenticated client revokes it, and ends it when its own client does', async () => {
    const s = await setUp({ public: false });
    const tokens = await codeTokens(s);
    const other = await register(s.client, { public: false });
    const byOther = await s.client.post('/oauth/revoke', {
      form: { token: tokens.refresh_token! },
      headers: basic(other.clientId, other.clientSecret!),
    });
    expect(byOther.status).toBe(200);
    const byOtherAccess = await s.client.post('/oauth/revoke', {
      form: { token: tokens.access_token },
      headers: basic(other.clientId, other.clientSecret!),
    });
    expect(byOtherAccess.status).toBe(200);
    const alive = await refresh(s.client, tokens.refresh_token!, {}, basic(s.app.client_id, s.secret!));
    expect(alive.status).toBe(200);
    const current = (await json(alive)).refresh_token;
    const wrongSecret = await s.client.post('/oauth/revoke', { form: { token: current }, headers: basic(s.app.client_id, 'wrong') });
    await expectError(wrongSecret, 401, 'invalid_client');
    expect((await s.client.post('/oauth/revoke', { form: { token: current }, headers: basic(s.app.client_id, s.secret!) })).status).toBe(
      200,
    );
    await expectError(await refresh(s.client, current, {}, basic(s.app.client_id, s.secret!)), 400, 'invalid_grant');
  });
});
