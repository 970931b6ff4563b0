// Issue 9, item 7: a token issued in the future is refused, and a store failure during OAuth
// revocation or introspection is a logged 503 in the OAuth error shape, never a silent answer.
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { signToken } from '../../src/crypto/jwt';
import { createUser, logIn, verifyStatus } from '../support/accounts';
import { json, newClient, type Client } from '../support/driver';
import { coreDeps } from '../gateway/support';

/** The same token's claims signed again with the service's key, `iat` moved by `shiftSeconds`. */
async function resigned(client: Client, token: string, shiftSeconds: number): Promise<string> {
  const deps = await coreDeps(client);
  const { iss, aud, sub, iat, exp, jti, ...claims } = decodeJwt(token);
  return signToken(deps.keys, claims, {
    kind: 'access',
    issuer: iss!,
    audience: aud as string,
    subject: sub!,
    issuedAtSeconds: iat! + shiftSeconds,
    expiresAtSeconds: exp! + shiftSeconds,
    id: jti,
  });
}

describe('a token issued in the future', () => {
  it('is refused beyond the allowed clock skew', async () => {
    const client = newClient();
    const token = (await logIn(client, await createUser(client))).access_token;
    expect(await verifyStatus(client, await resigned(client, token, 0))).toBe(200);
    expect(await verifyStatus(client, await resigned(client, token, 30))).toBe(200);
    expect(await verifyStatus(client, await resigned(client, token, 300))).toBe(401);
  });
});

/** KV whose reads (or writes) fail, as in an outage. */
function failingKv(operation: 'get' | 'put') {
  return (env: Env): Env => ({
    ...env,
    TOKENS: new Proxy(env.TOKENS, {
      get: (target, property) => {
        if (property === operation) return () => Promise.reject(new Error('kv unavailable'));
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  });
}

async function serverToken(client: Client): Promise<string> {
  return (await json(await client.admin('POST', '/admin/v1/ecosystems/default/server-tokens', { body: {} }))).token;
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(await json(response)).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
}

describe('OAuth when KV fails', () => {
  it('introspection answers from D1 when KV cannot be read: active for a live token, inactive for a revoked one', async () => {
    const healthy = newClient();
    const user = await createUser(healthy);
    const token = (await logIn(healthy, user)).access_token;
    const revoked = (await logIn(healthy, user)).access_token;
    const secret = await serverToken(healthy);
    const client = newClient({ wrapEnv: failingKv('get') });
    const introspect = (candidate: string) =>
      client.post('/oauth/introspect', { form: { token: candidate }, headers: { authorization: `Bearer ${secret}` } });
    expect(await json(await introspect(token))).toMatchObject({ active: true, sub: user.id });
    expect(client.logs.some((line) => line.level === 'error' && line.event === 'kv_read_failed')).toBe(true);
    expect(JSON.stringify(client.logs)).not.toContain(token);
    expect((await healthy.admin('DELETE', `/admin/v1/users/${user.id}/sessions`)).status).toBeLessThan(300);
    expect(await json(await introspect(revoked))).toEqual({ active: false });
    expect(await json(await introspect(`${token.slice(0, -4)}AAAA`))).toEqual({ active: false });
  });

  it('revocation reports the failure instead of a silent success', async () => {
    const healthy = newClient();
    const tokens = await logIn(healthy, await createUser(healthy));
    const client = newClient({ wrapEnv: failingKv('put') });
    await expectUnavailable(await client.post('/oauth/revoke', { form: { token: tokens.refresh_token } }));
    // D1 took it: the session is over for strict checks and refreshes.
    expect(
      (await healthy.post('/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token } })).status,
    ).toBe(400);
  });
});
