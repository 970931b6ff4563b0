// verify(): a real token checks out against the service's JWKS; a tampered, expired, unsigned,
// HMAC-signed, foreign-typed or wrongly addressed one does not.
import { decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verify, type GatehouseClaims } from '../../client/src/index.ts';
import { createUser, logIn } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { BASE_URL, gatehouseFor } from './support';

const JWKS_URL = `${BASE_URL}/.well-known/jwks.json`;

async function userToken(client: Client, ttl: number, expiryType: 'FixedTtl' | 'SlidingTtl' | 'Infinite' = 'FixedTtl') {
  const { gatehouse } = gatehouseFor(client, { accountToken: client.accountToken });
  const eco = await gatehouse.admin.ecosystems.create('verify');
  const userId = `user-${crypto.randomUUID()}`;
  await gatehouse.users.put(eco.id, userId);
  return { eco: eco.id, userId, token: await gatehouse.users.createToken(eco.id, userId, ttl, expiryType) };
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function refusal(promise: Promise<unknown>) {
  return promise.then(
    () => 'accepted',
    (error: { status: number; code: string }) => `${error.status} ${error.code}`,
  );
}

describe('verify()', () => {
  it('accepts a real access token and a real user token, returning typed claims', async () => {
    const client = newClient();
    const user = await createUser(client);
    const { access_token } = await logIn(client, user);
    const options = { jwksUrl: JWKS_URL, fetch: client.fetch, issuer: BASE_URL, audience: 'gatehouse' };

    const access: GatehouseClaims = await verify(access_token, options);
    expect(access).toMatchObject({ sub: user.id, iss: BASE_URL, eco: 'default', role: 'user', email: user.email });
    expect(access.ext).toBeUndefined();

    const issued = await userToken(client, 600);
    const claims = await verify(issued.token, options);
    if (claims.ext === undefined) throw new Error('expected a user token');
    expect(claims).toMatchObject({ ext: 'FixedTtl', uid: issued.userId, eco: issued.eco, ttl: 600 });

    // The same with a key set the caller already holds.
    const jwks = await json(await client.get('/.well-known/jwks.json'));
    expect((await verify(access_token, { jwks })).sub).toBe(user.id);
  });

  it('fetches the remote key set once and reuses it', async () => {
    const client = newClient();
    const { access_token } = await logIn(client, await createUser(client));
    let fetched = 0;
    const counting = (url: string, init: RequestInit) => {
      fetched += 1;
      return client.fetch(url, init);
    };
    for (let i = 0; i < 3; i++) await verify(access_token, { jwksUrl: JWKS_URL, fetch: counting });
    expect(fetched).toBe(1);
  });

  it('refuses a tampered, expired, unsigned or HMAC-signed token, another typ, and the wrong issuer or audience', async () => {
    const client = newClient();
    const user = await createUser(client);
    const { access_token } = await logIn(client, user);
    const options = { jwksUrl: JWKS_URL, fetch: client.fetch };
    const [header, payload, signature] = access_token.split('.') as [string, string, string];
    const claims = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/')));
    const { kid } = decodeProtectedHeader(access_token);

    const tampered = `${header}.${base64url({ ...claims, role: 'admin' })}.${signature}`;
    expect(await refusal(verify(tampered, options))).toBe('401 INVALID_TOKEN');
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt', kid })}.${payload}.`;
    expect(await refusal(verify(unsigned, options))).toBe('401 INVALID_TOKEN');
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
      .sign(new TextEncoder().encode('a'.repeat(32)));
    expect(await refusal(verify(hmac, options))).toBe('401 INVALID_TOKEN');

    // Signed with the service's own key, but not a bearer token (the gateway's assertion type).
    const signingKey = (JSON.parse(client.env.SIGNING_KEYS as string) as { keys: JWK[] }).keys[0]!;
    const assertion = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'gatehouse-assertion+jwt', kid })
      .sign(await importJWK(signingKey, 'ES256'));
    expect(await refusal(verify(assertion, options))).toBe('401 INVALID_TOKEN');
    // Signed by the service's key, but issued an hour from now.
    const nowSeconds = Math.floor(client.clock.now() / 1000);
    const future = await new SignJWT({ ...claims, iat: nowSeconds + 3600, exp: nowSeconds + 7200 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(await importJWK(signingKey, 'ES256'));
    expect(await refusal(verify(future, options))).toBe('401 INVALID_TOKEN');

    expect(await refusal(verify(access_token, { ...options, issuer: 'https://elsewhere.example' }))).toBe('401 INVALID_TOKEN');
    expect(await refusal(verify(access_token, { ...options, audience: 'another-app' }))).toBe('401 INVALID_TOKEN');
    const later = new Date(client.clock.now() + 2 * 3600 * 1000);
    expect(await refusal(verify(access_token, { ...options, currentDate: later }))).toBe('401 TOKEN_EXPIRED');
    const fixed = await userToken(client, 60);
    expect(await refusal(verify(fixed.token, { ...options, currentDate: new Date(client.clock.now() + 61_000) }))).toBe(
      '401 TOKEN_EXPIRED',
    );
    expect(await refusal(verify(fixed.token, options))).toBe('accepted');
  });

  it('answers 503 when the key set cannot be read', async () => {
    const client = newClient();
    const { access_token } = await logIn(client, await createUser(client));
    const down = async () => new Response('unavailable', { status: 503 });
    expect(await refusal(verify(access_token, { jwksUrl: JWKS_URL, fetch: down }))).toBe('503 JWKS_UNAVAILABLE');
  });
});
