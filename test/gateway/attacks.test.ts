import { base64url, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/crypto/jwt';
import { json, type Client } from '../support/driver';
import {
  appUser,
  coreDeps,
  droplitToken,
  ecosystemWithEnvironments,
  gatewayClient,
  resetOrigin,
  signedInUser,
  stubOrigin,
} from './support';

afterEach(resetOrigin);

async function expectRefused(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await json(response)).toMatchObject({ error: { code }, requestId: expect.any(String) });
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse"/);
}

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [header, payload, signature] = token.split('.');
  const decode = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part)));
  return { header: decode(header!), payload: decode(payload!), signature: signature! };
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

async function setUp(): Promise<{ client: Client; origin: ReturnType<typeof stubOrigin>; token: string; userId: string }> {
  const origin = stubOrigin();
  const client = gatewayClient([{ prefix: '/app/' }]);
  const user = await signedInUser(client);
  return { client, origin, token: user.accessToken, userId: user.id };
}

describe('the gateway refuses bad credentials before the origin', () => {
  it('answers 401 with a Bearer challenge when there is no token or a malformed header', async () => {
    const { client, origin } = await setUp();
    await expectRefused(await client.get('/app/x'), 401, 'UNAUTHENTICATED');
    await expectRefused(await client.get('/app/x', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'MALFORMED_AUTHORIZATION');
    await expectRefused(await client.get('/app/x', { token: 'not-a-jwt' }), 401, 'INVALID_TOKEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('strips forged identity headers sent by the caller', async () => {
    const { client, origin, token, userId } = await setUp();
    await client.get('/app/x', {
      token,
      headers: {
        'X-User-Id': 'someone-else',
        'X-User-Role': 'admin',
        'X-User-Admin': 'true',
        'X-Ecosystem-Id': 'other',
        'X-Gatehouse-Assertion': 'forged',
        'X-Gatehouse-Anything': 'forged',
      },
    });
    const headers = origin.calls[0]!.headers;
    expect(headers.get('x-user-id')).toBe(userId);
    expect(headers.get('x-user-role')).toBe('user');
    expect(headers.get('x-user-admin')).toBeNull();
    expect(headers.get('x-ecosystem-id')).toBe('default');
    expect(headers.get('x-gatehouse-assertion')).not.toBe('forged');
    expect(headers.get('x-gatehouse-anything')).toBeNull();
  });

  it('strips every header an origin might read as identity, in every spelling, and the token cookie', async () => {
    const { client, origin, token, userId } = await setUp();
    const forged: Record<string, string> = {
      X_User_Id: 'someone-else',
      'x_user-role': 'admin',
      X_USER_EMAIL: 'boss@example.com',
      X_Ecosystem_Id: 'other',
      X_Gatehouse_Assertion: 'forged',
      'X-Forwarded-User': 'admin',
      X_Forwarded_User: 'admin',
      'X-Forwarded-Email': 'boss@example.com',
      'X-Forwarded-Preferred-Username': 'admin',
      'X-Forwarded-Groups': 'admins',
      'X-Forwarded-Access-Token': 'forged',
      X_Forwarded_Host: 'evil.example',
      'Remote-User': 'admin',
      Remote_User: 'admin',
      'Remote-Email': 'boss@example.com',
      'Remote-Groups': 'admins',
      'X-Remote-User': 'admin',
      'X-Auth-Request-User': 'admin',
      'X-Auth-Request-Email': 'boss@example.com',
      X_Auth_Request_Groups: 'admins',
      'Cf-Access-Authenticated-User-Email': 'boss@example.com',
      'X-Goog-Authenticated-User-Email': 'accounts.google.com:boss@example.com',
      'X-Ms-Client-Principal-Name': 'admin',
      'Proxy-Authorization': 'Basic YWRtaW46YWRtaW4=',
      'X-Original-URL': '/admin-only',
      X_Rewrite_Url: '/admin-only',
      'X-Forwarded-Uri': '/admin-only',
      'X-Forwarded-Prefix': '/admin-only',
      'X-WEBAUTH-USER': 'admin',
      'X-Authenticated-Userid': 'admin',
      'X-Consumer-Username': 'admin',
      'X-Forwarded-Client-Cert': 'By=spiffe://admin',
      'X-SSL-Client-S-DN': 'CN=admin',
    };
    await client.get('/app/x', { token, headers: { ...forged, cookie: `a=1; gatehouse.token=${token}; gatehouse_token=${token}; b=2` } });
    const headers = origin.calls[0]!.headers;
    const sent = [...headers.entries()];
    for (const name of Object.keys(forged)) {
      const spelledLikeIt = sent.filter(([key]) => key.replaceAll('_', '-') === name.toLowerCase().replaceAll('_', '-'));
      const ours = spelledLikeIt.filter(([key]) =>
        ['x-user-id', 'x-user-role', 'x-user-email', 'x-ecosystem-id', 'x-gatehouse-assertion', 'x-forwarded-host'].includes(key),
      );
      expect(spelledLikeIt.length - ours.length, name).toBe(0);
    }
    expect(sent.map(([, value]) => value)).not.toContain('admin');
    expect(sent.map(([, value]) => value)).not.toContain('someone-else');
    expect(headers.get('x-user-id')).toBe(userId);
    expect(headers.get('x-user-role')).toBe('user');
    expect(headers.get('x-forwarded-host')).toBe('gatehouse.test');
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('cookie')).toBe('a=1; b=2');
  });

  it('refuses forged identity headers without a token, so they never reach the origin', async () => {
    const { client, origin } = await setUp();
    await expectRefused(await client.get('/app/x', { headers: { 'X-User-Id': 'admin', 'X-User-Role': 'admin' } }), 401, 'UNAUTHENTICATED');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses a token with alg none, and one re-signed with HS256', async () => {
    const { client, origin, token } = await setUp();
    const { header, payload } = parts(token);
    const unsigned = `${encode({ ...header, alg: 'none' })}.${encode(payload)}.`;
    await expectRefused(await client.get('/app/x', { token: unsigned }), 401, 'INVALID_TOKEN');
    const hs256 = await new SignJWT(payload)
      .setProtectedHeader({ ...header, alg: 'HS256' })
      .sign(new TextEncoder().encode('a guessed secret of 32 bytes ok!'));
    await expectRefused(await client.get('/app/x', { token: hs256 }), 401, 'INVALID_TOKEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses a token whose payload was tampered with', async () => {
    const { client, origin, token } = await setUp();
    const { header, payload, signature } = parts(token);
    const tampered = `${encode(header)}.${encode({ ...payload, role: 'admin', permissionLevel: 0 })}.${signature}`;
    await expectRefused(await client.get('/app/x', { token: tampered }), 401, 'INVALID_TOKEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses a token signed by a key with an unknown kid, or by a stranger key under our kid', async () => {
    const { client, origin, token } = await setUp();
    const { header, payload } = parts(token);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256', kid: 'attacker-key' }).sign(privateKey);
    await expectRefused(await client.get('/app/x', { token: forged }), 401, 'INVALID_TOKEN');
    const sameKid = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(privateKey);
    await expectRefused(await client.get('/app/x', { token: sameKid }), 401, 'INVALID_TOKEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses an expired token once the clock passes its expiry, even after it was accepted', async () => {
    const { client, origin, token } = await setUp();
    expect((await client.get('/app/x', { token })).status).toBe(200);
    client.clock.advance(3601);
    await expectRefused(await client.get('/app/x', { token }), 401, 'TOKEN_EXPIRED');
    expect(origin.calls).toHaveLength(1);
  });

  it('refuses a token signed by the service for another audience', async () => {
    const { client, origin, token } = await setUp();
    const { payload } = parts(token);
    const deps = await coreDeps(client);
    const now = Math.floor(client.clock.ms / 1000);
    const { iss: _iss, aud: _aud, sub, iat: _iat, exp: _exp, ...claims } = payload;
    const otherAudience = await signToken(deps.keys, claims, {
      kind: 'access',
      issuer: 'https://gatehouse.test',
      audience: 'another-service',
      subject: sub as string,
      issuedAtSeconds: now,
      expiresAtSeconds: now + 600,
    });
    await expectRefused(await client.get('/app/x', { token: otherAudience }), 401, 'INVALID_TOKEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses a token from another ecosystem on a route of the default one', async () => {
    const { client, origin } = await setUp();
    const { id } = await ecosystemWithEnvironments(client);
    const outsider = await droplitToken(client, await appUser(client, id), 'FixedTtl');
    await expectRefused(await client.get('/app/x', { token: outsider }), 403, 'FORBIDDEN');
    expect(origin.calls).toHaveLength(0);
  });

  it('refuses the token of a revoked session at once, though it was accepted before', async () => {
    const { client, origin, token, userId } = await setUp();
    expect((await client.get('/app/x', { token })).status).toBe(200);
    const sessions = await json(await client.admin('GET', `/admin/v1/users/${userId}/sessions`));
    expect((await client.admin('DELETE', `/admin/v1/sessions/${sessions.items[0].id}`)).status).toBe(204);
    await expectRefused(await client.get('/app/x', { token }), 401, 'TOKEN_REVOKED');
    expect(origin.calls).toHaveLength(1);
  });

  it('refuses the token of a disabled user', async () => {
    const { client, origin, token, userId } = await setUp();
    expect((await client.get('/app/x', { token })).status).toBe(200);
    expect((await client.admin('PATCH', `/admin/v1/users/${userId}`, { body: { disabled: true } })).status).toBe(200);
    await expectRefused(await client.get('/app/x', { token }), 401, 'TOKEN_REVOKED');
    expect(origin.calls).toHaveLength(1);
  });
});
