import { env } from 'cloudflare:workers';
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createUser, logIn } from '../support/accounts';
import { json, newClient } from '../support/driver';

const signingJwk = (): JWK => (JSON.parse(env.SIGNING_KEYS) as { keys: JWK[] }).keys[0]!;
const encode = (value: object) => base64url.encode(JSON.stringify(value));

async function signedWith(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK(signingJwk(), 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test-es256-1', typ: 'at+jwt', ...header }).sign(key);
}

async function userinfo(client: ReturnType<typeof newClient>, token: string) {
  return client.get('/oauth/userinfo', { token });
}

describe('access tokens', () => {
  it('carry the standard and User Service claims and verify against the JWKS', async () => {
    const client = newClient();
    const user = await createUser(client, { firstName: 'Ada', lastName: 'Lovelace' });
    const { access_token } = await logIn(client, user);
    expect(decodeProtectedHeader(access_token)).toEqual({ alg: 'ES256', kid: 'test-es256-1', typ: 'at+jwt' });
    const claims = decodeJwt(access_token);
    expect(claims).toMatchObject({
      iss: 'https://gatehouse.test',
      aud: 'gatehouse',
      sub: user.id,
      id: user.id,
      email: user.email,
      firstname: 'Ada',
      lastname: 'Lovelace',
      language: 'en',
      permissionLevel: 2,
      eco: 'default',
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(typeof claims.sid).toBe('string');
    const response = await userinfo(client, access_token);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ sub: user.id, email: user.email });
  });

  describe('verification refuses', () => {
    async function genuineClaims() {
      const client = newClient();
      const user = await createUser(client);
      const { access_token } = await logIn(client, user);
      return { client, token: access_token, claims: decodeJwt(access_token) };
    }

    async function expectRefused(client: ReturnType<typeof newClient>, token: string) {
      const response = await userinfo(client, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toContain('Bearer');
      expect((await json(response)).error).toBe('invalid_token');
      expect((await client.get('/auth/verify', { token })).status).toBe(401);
    }

    it('a token with alg none', async () => {
      const { client, claims } = await genuineClaims();
      await expectRefused(client, `${encode({ alg: 'none', typ: 'at+jwt', kid: 'test-es256-1' })}.${encode(claims)}.`);
    });

    it('a token signed with HS256 using the public key as the secret', async () => {
      const { client, claims } = await genuineClaims();
      const { d: _private, ...publicJwk } = signingJwk();
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'test-es256-1', typ: 'at+jwt' }).sign(secret);
      await expectRefused(client, forged);
    });

    it('a token signed by a key of unknown kid', async () => {
      const { client, claims } = await genuineClaims();
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'unknown', typ: 'at+jwt' }).sign(privateKey);
      await expectRefused(client, forged);
    });

    it('a token whose payload was tampered with', async () => {
      const { client, token, claims } = await genuineClaims();
      const [header, , signature] = token.split('.');
      await expectRefused(client, `${header}.${encode({ ...claims, role: 'admin', permissionLevel: 0 })}.${signature}`);
    });

    it('an expired token', async () => {
      const { client, token } = await genuineClaims();
      expect((await userinfo(client, token)).status).toBe(200);
      client.clock.advance(3601);
      await expectRefused(client, token);
    });

    it('a token for another audience', async () => {
      const { client, claims } = await genuineClaims();
      await expectRefused(client, await signedWith({ ...claims, aud: 'another-service' }));
    });

    it('a token from another issuer', async () => {
      const { client, claims } = await genuineClaims();
      await expectRefused(client, await signedWith({ ...claims, iss: 'https://elsewhere.test' }));
    });

    it('a token of another type (no typ, or a user-token typ without its claims)', async () => {
      const { client, claims } = await genuineClaims();
      await expectRefused(client, await signedWith(claims, { typ: 'JWT' }));
      await expectRefused(client, await signedWith(claims, { typ: 'user+jwt' }));
    });

    it('an access token without exp', async () => {
      const { client, claims } = await genuineClaims();
      const { exp: _exp, ...withoutExpiry } = claims;
      await expectRefused(client, await signedWith(withoutExpiry));
    });

    it('a refresh token used as an access token', async () => {
      const client = newClient();
      const user = await createUser(client);
      const { refresh_token } = await logIn(client, user);
      await expectRefused(client, refresh_token);
    });

    it('garbage and oversized tokens', async () => {
      const client = newClient();
      await expectRefused(client, 'not-a-token');
      await expectRefused(client, 'a.b.c');
      await expectRefused(client, `${'a'.repeat(9000)}.b.c`);
    });
  });
});
