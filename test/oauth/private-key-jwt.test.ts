// private_key_jwt (RFC 7523 2.2, OpenID Connect Core 9): a confidential client registered with its
// public keys proves itself with a JWT it signs; oauth4webapi's PrivateKeyJwt completes the code
// flow and the client credentials grant with it. Refused: a wrong key, iss/sub not the client, an
// aud of someone else, a missing or long exp, a jti used before, a secret in its place, and an
// assertion from a client that has a secret.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { json } from '../support/driver';
import { authorize, callbackOf, CALLBACK, discover, setUp, type Setup } from './flow';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: crypto.randomUUID(), alg: 'ES256', use: 'sig' };
  return { jwk, privateKey, kid: jwk.kid };
}

async function signedClient(extra: Record<string, unknown> = {}) {
  const keys = await keyPair();
  const s = await setUp({
    public: false,
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [keys.jwk] },
    allowClientCredentials: true,
    clientCredentialsScopes: ['reports:read'],
    ...extra,
  });
  return { s, keys };
}

function assertion(s: Setup, key: CryptoKey, claims: Record<string, unknown> = {}, kid?: string) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: s.app.client_id,
    sub: s.app.client_id,
    aud: 'https://gatehouse.test',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', ...(kid ? { kid } : {}) })
    .sign(key);
}

function machineGrant(s: Setup, fields: Record<string, string>) {
  return s.client.post('/oauth/token', { form: { grant_type: 'client_credentials', ...fields } });
}

async function expectInvalidClient(response: Response) {
  expect(response.status, await response.clone().text()).toBe(401);
  expect(await json(response)).toMatchObject({ error: 'invalid_client' });
}

describe('private_key_jwt', () => {
  it('is in discovery, and lets oauth4webapi’s PrivateKeyJwt complete the code flow and the client credentials grant', async () => {
    const { s, keys } = await signedClient();
    expect(s.secret).toBeUndefined();
    const as = await discover(s.client);
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(as.token_endpoint_auth_signing_alg_values_supported).toContain('ES256');
    expect(as.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');

    const auth = oauth.PrivateKeyJwt({ key: keys.privateKey, kid: keys.kid });
    const { response, pkce } = await authorize(s);
    const params = oauth.validateAuthResponse(s.as, s.app, callbackOf(response), pkce.state);
    const exchanged = await oauth.authorizationCodeGrantRequest(s.as, s.app, auth, params, CALLBACK, pkce.verifier, s.options);
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, s.app, exchanged, { expectedNonce: pkce.nonce });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: s.user.id, aud: s.app.client_id });

    const machine = await oauth.clientCredentialsGrantRequest(s.as, s.app, auth, { scope: 'reports:read' }, s.options);
    expect(await oauth.processClientCredentialsResponse(s.as, s.app, machine)).toMatchObject({ scope: 'reports:read' });
  });

  it('takes each assertion once, and the token endpoint as audience, with client_id left out', async () => {
    const { s, keys } = await signedClient();
    const once = await assertion(s, keys.privateKey, { aud: 'https://gatehouse.test/oauth/token' });
    const first = await machineGrant(s, { client_assertion_type: ASSERTION_TYPE, client_assertion: once });
    expect(first.status, await first.clone().text()).toBe(200);
    await expectInvalidClient(await machineGrant(s, { client_assertion_type: ASSERTION_TYPE, client_assertion: once }));
  });

  it('refuses a wrong key, another issuer or audience, a missing or long exp, a bad type, a secret in its place', async () => {
    const { s, keys } = await signedClient();
    const stranger = await keyPair();
    const send = (token: string, extra: Record<string, string> = {}) =>
      machineGrant(s, { client_assertion_type: ASSERTION_TYPE, client_assertion: token, ...extra });
    await expectInvalidClient(await send(await assertion(s, stranger.privateKey)));
    await expectInvalidClient(await send(await assertion(s, keys.privateKey, { iss: 'someone-else' }), { client_id: s.app.client_id }));
    await expectInvalidClient(await send(await assertion(s, keys.privateKey, { aud: 'https://other.example' })));
    await expectInvalidClient(await send(await assertion(s, keys.privateKey, { exp: undefined })));
    await expectInvalidClient(await send(await assertion(s, keys.privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 })));
    await expectInvalidClient(await send(await assertion(s, keys.privateKey, { jti: undefined })));
    await expectInvalidClient(
      await machineGrant(s, { client_assertion_type: 'urn:other', client_assertion: await assertion(s, keys.privateKey) }),
    );
    await expectInvalidClient(await machineGrant(s, { client_id: s.app.client_id, client_secret: 'a secret it never had' }));
    await expectInvalidClient(await machineGrant(s, { client_id: s.app.client_id }));
  });

  it('refuses an assertion from a client that has a secret, and a key set holding a private key', async () => {
    const s = await setUp({ public: false, allowClientCredentials: true, clientCredentialsScopes: ['reports:read'] });
    const keys = await keyPair();
    const response = await machineGrant(s, {
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(s, keys.privateKey),
    });
    await expectInvalidClient(response);
    const leaked = { ...(await exportJWK(keys.privateKey)), kid: 'k' };
    const refused = await s.client.admin('POST', '/admin/v1/clients', {
      body: { name: 'x', public: false, redirectUris: [CALLBACK], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [leaked] } },
    });
    expect(refused.status).toBe(400);
    const publicOne = await s.client.admin('POST', '/admin/v1/clients', {
      body: { name: 'x', public: true, redirectUris: [CALLBACK], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [keys.jwk] } },
    });
    expect(publicOne.status).toBe(400);
  });
});
