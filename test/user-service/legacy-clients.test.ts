// The User Service as its original consumers use it: JWTVapor reads the JWKS and needs RSA keys
// with n, e, x5c and x5t, verifies RS256 tokens with a kid and crit ["exp", "aud"], and decodes
// `id` as an integer and the level from `status`; later clients call /v<N>/users/current/... and
// re-issue tokens by logging in with only their bearer token.
import { env } from 'cloudflare:workers';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { claimsOf } from '../support/accounts';
import { certificateSpki, fromBase64, toBase64url } from '../support/der';
import { json, newClient, type Client } from '../support/driver';
import { logIn, register, signUpAndLogIn } from './steps';

const legacyClient = () => newClient({ vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS, USER_SERVICE_TOKEN_PROFILE: 'legacy' } });

async function jwksEntry(client: Client, kid: string): Promise<JWK> {
  const { keys } = await json(await client.get('/.well-known/jwks.json'));
  return keys.find((key: JWK) => key.kid === kid);
}

describe('User Service legacy token profile (JWTVapor, JWTMiddleware, TeamsService)', () => {
  it('signs RS256 with kid and crit, an integer id and status, verifiable from the JWKS as the original consumers do', async () => {
    const client = legacyClient();
    const { user, session } = await signUpAndLogIn(client);
    const header = decodeProtectedHeader(session.accessToken);
    expect(header).toMatchObject({ alg: 'RS256', kid: 'test-rs256-1', crit: ['exp', 'aud'] });
    const entry = await jwksEntry(client, header.kid!);
    expect(entry).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB', x5t: expect.any(String) });
    expect(entry.x5c).toHaveLength(1);
    const { payload } = await jwtVerify(session.accessToken, await importJWK(entry, 'RS256'), {
      algorithms: ['RS256'],
      audience: 'gatehouse',
      crit: { exp: true, aud: true },
      currentDate: new Date(client.clock.now()),
    });
    expect(Number.isInteger(payload.id)).toBe(true);
    expect(payload).toMatchObject({ status: 2, permissionLevel: 2, email: user.email });
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    // The body shows the same integer id; the token works on the face.
    const status = await client.get('/v1/users/status', { token: session.accessToken });
    expect(status.status).toBe(200);
    expect((await json(status)).user.id).toBe(payload.id);
    expect(Number.isInteger(user.id)).toBe(true);
    expect(user.id).toBe(payload.id);
  });

  it('publishes a certificate whose key is the JWK and whose SHA-1 thumbprint is x5t', async () => {
    const client = legacyClient();
    const entry = await jwksEntry(client, 'test-rs256-1');
    const der = fromBase64(entry.x5c![0]!);
    expect(entry.x5t).toBe(toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-1', der))));
    const key = await crypto.subtle.importKey('spki', certificateSpki(der), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, [
      'verify',
    ]);
    const fromCertificate = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
    expect({ n: fromCertificate.n, e: fromCertificate.e }).toEqual({ n: entry.n, e: entry.e });
  });

  it('numbers users one after another, unique in the ecosystem', async () => {
    const client = legacyClient();
    const first = await register(client);
    const second = await register(client);
    expect(Number.isInteger(first.id) && Number.isInteger(second.id)).toBe(true);
    expect(second.id as unknown as number).toBeGreaterThan(first.id as unknown as number);
  });

  it('serves a key set per profile: JWTVapor, which decodes every key of a set as RSA, reads ?profile=legacy', async () => {
    const client = legacyClient();
    // JWTVapor's key-set lookup: each key as an RS256 public key, failing on the first that is not one.
    const asJwtVapor = (keys: JWK[]) => Promise.all(keys.map((key) => importJWK({ kty: 'RSA', n: key.n, e: key.e }, 'RS256')));
    const all = (await json(await client.get('/.well-known/jwks.json'))).keys as JWK[];
    expect(all.map((key) => key.alg)).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    await expect(asJwtVapor(all)).rejects.toThrow();
    const legacy = await client.get('/.well-known/jwks.json?profile=legacy');
    expect(legacy.status).toBe(200);
    const legacyKeys = (await json(legacy)).keys as JWK[];
    expect(legacyKeys.map((key) => key.kid)).toEqual(['test-rs256-1']);
    const [rsa] = await asJwtVapor(legacyKeys);
    const { session } = await signUpAndLogIn(client);
    await jwtVerify(session.accessToken, rsa!, { crit: { exp: true, aud: true }, currentDate: new Date(client.clock.now()) });
    const defaults = (await json(await client.get('/.well-known/jwks.json?profile=default'))).keys as JWK[];
    expect(defaults.map((key) => key.alg)).toEqual(['ES256']);
    const unknown = await client.get('/.well-known/jwks.json?profile=rsa');
    expect(unknown.status).toBe(400);
    expect(await json(unknown)).toMatchObject({ error: { code: 'INVALID_FIELD' } });
  });

  it('drops crit with USER_SERVICE_TOKEN_CRIT=off, so strict verifiers (jose, PyJWT, Authlib) take the token as it is', async () => {
    const key = async (client: Client) => importJWK(await jwksEntry(client, 'test-rs256-1'), 'RS256');
    // With crit (the default): a verifier not told of it refuses, as jose's and PyJWT's strict handling does.
    const withCrit = legacyClient();
    const marked = (await signUpAndLogIn(withCrit)).session.accessToken;
    const options = { audience: 'gatehouse', currentDate: new Date(withCrit.clock.now()) };
    await expect(jwtVerify(marked, await key(withCrit), options)).rejects.toThrow(/Extension Header Parameter "exp" is not recognized/);
    const client = newClient({
      vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS, USER_SERVICE_TOKEN_PROFILE: 'legacy', USER_SERVICE_TOKEN_CRIT: 'off' },
    });
    const { session } = await signUpAndLogIn(client);
    const header = decodeProtectedHeader(session.accessToken);
    expect(header).toEqual({ alg: 'RS256', kid: 'test-rs256-1', typ: 'at+jwt' });
    const { payload } = await jwtVerify(session.accessToken, await key(client), { ...options, currentDate: new Date(client.clock.now()) });
    expect(Number.isInteger(payload.id)).toBe(true);
    expect((await client.get('/v1/users/status', { token: session.accessToken })).status).toBe(200);
  });

  it('keeps the default token (ES256, UUID id) when no profile is set', async () => {
    const client = newClient({ vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS } });
    const { user, session } = await signUpAndLogIn(client);
    expect(decodeProtectedHeader(session.accessToken)).toEqual({ alg: 'ES256', kid: 'test-es256-1', typ: 'at+jwt' });
    expect(claimsOf(session.accessToken)).toMatchObject({ id: user.id, sub: user.id });
    expect(claimsOf(session.accessToken).status).toBeUndefined();
  });
});

describe('User Service routes of later clients', () => {
  it('answers /v<N>/users/current/<route> as the plain route', async () => {
    const client = newClient();
    const user = await register(client);
    const login = await client.post('/v2/users/current/login', { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
    const { accessToken: token, refreshToken } = await json(login);
    for (const path of ['status', 'profile', 'attributes']) {
      const current = await client.get(`/v2/users/current/${path}`, { token });
      expect(current.status, path).toBe(200);
      expect(await json(current)).toEqual(await json(await client.get(`/v2/users/${path}`, { token })));
    }
    const set = await client.post('/v1/users/current/attributes', { token, body: { attributeKey: 'team', attributeText: 'blue' } });
    expect((await json(set)).user.attributes).toEqual({ team: 'blue' });
    const removed = await client.delete('/v1/users/current/attribute', { token, body: { attributeKey: 'team' } });
    expect((await json(removed)).user.attributes).toEqual({});
    const refreshed = await client.post('/v1/users/current/accessToken', { body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await client.request('OPTIONS', '/v1/users/current/login')).status).toBe(200);
    expect((await client.post('/v1/users/current/register', { body: { email: 'x@example.com', password: user.password } })).status).toBe(
      404,
    );
  });

  it('re-issues an access and a refresh token on a login with only a bearer token', async () => {
    const client = legacyClient();
    const user = await register(client);
    const session = await logIn(client, user);
    for (const raw of [undefined, '', '{}']) {
      const response = await client.request('POST', '/v1/users/login', { token: session.accessToken, raw });
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body).toMatchObject({
        status: 'success',
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        user: { id: user.id },
      });
      expect(body.refreshToken).not.toBe(session.refreshToken);
      expect(decodeProtectedHeader(body.accessToken).crit).toEqual(['exp', 'aud']);
      expect((await client.get('/v1/users/status', { token: body.accessToken })).status).toBe(200);
      expect((await client.post('/v1/users/accessToken', { body: { refreshToken: body.refreshToken } })).status).toBe(200);
    }
    const bad = await client.request('POST', '/v1/users/login', { token: `${session.accessToken}x` });
    expect(bad.status).toBe(401);
  });
});
