import { env } from 'cloudflare:workers';
import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createUser, logIn, verifyStatus } from '../support/accounts';
import { json, newClient } from '../support/driver';

async function edDsaKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
}

const currentKeys = (): JWK[] => (JSON.parse(env.SIGNING_KEYS) as { keys: JWK[] }).keys;

describe('signing keys', () => {
  it('signs with EdDSA when an Ed25519 key comes first', async () => {
    const client = newClient({ vars: { SIGNING_KEYS: JSON.stringify({ keys: [await edDsaKey('ed-1')] }) } });
    const { access_token } = await logIn(client, await createUser(client));
    expect(decodeProtectedHeader(access_token)).toMatchObject({ alg: 'EdDSA', kid: 'ed-1' });
    expect(await verifyStatus(client, access_token)).toBe(200);
    const jwks = await json(await client.get('/.well-known/jwks.json'));
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'ed-1', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', use: 'sig' })]);
  });

  it('keeps verifying and publishing a retired key after a new one takes over signing', async () => {
    const before = newClient();
    const user = await createUser(before);
    const old = await logIn(before, user);
    const rotated = JSON.stringify({ keys: [await edDsaKey('ed-2'), ...currentKeys()] });
    const after = newClient({ vars: { SIGNING_KEYS: rotated }, clock: before.clock });
    expect(await verifyStatus(after, old.access_token)).toBe(200);
    const fresh = await logIn(after, user);
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe('ed-2');
    const kids = (await json(await after.get('/.well-known/jwks.json'))).keys.map((key: JWK) => key.kid);
    expect(kids).toEqual(['ed-2', 'test-es256-1']);
    const retiredForGood = newClient({ vars: { SIGNING_KEYS: JSON.stringify({ keys: [await edDsaKey('ed-3')] }) }, clock: before.clock });
    expect(await verifyStatus(retiredForGood, old.access_token)).toBe(401);
  });

  it('refuses a key set whose signing key has no private part', async () => {
    const { d: _d, ...publicOnly } = currentKeys()[0]!;
    const client = newClient({ vars: { SIGNING_KEYS: JSON.stringify({ keys: [publicOnly] }) } });
    const response = await client.get('/.well-known/jwks.json');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toMatch(/^Invalid configuration: SIGNING_KEYS /);
  });
});
