// RSA keys in SIGNING_KEYS for the legacy token profiles: at least 2048 bits, a certificate that
// holds the key itself, and a configuration error naming the var whose profile lacks one.
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

const legacyKeys = (): JWK[] => (JSON.parse(env.LEGACY_SIGNING_KEYS) as { keys: JWK[] }).keys;

async function configurationMessage(vars: Record<string, string>): Promise<string> {
  const response = await newClient({ vars }).get('/.well-known/jwks.json');
  expect(response.status).toBe(500);
  return (await json(response)).error.message;
}

describe('RSA signing keys', () => {
  it('publishes the RSA key beside the default one and keeps signing default tokens with ES256', async () => {
    const client = newClient({ vars: { SIGNING_KEYS: env.LEGACY_SIGNING_KEYS } });
    const { keys } = await json(await client.get('/.well-known/jwks.json'));
    expect(keys.map((key: JWK) => [key.kid, key.alg])).toEqual([
      ['test-es256-1', 'ES256'],
      ['test-rs256-1', 'RS256'],
    ]);
    expect(keys[1].d).toBeUndefined();
    expect(keys[1].p).toBeUndefined();
    const discovery = await json(await client.get('/.well-known/openid-configuration'));
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });

  it('refuses an RSA key under 2048 bits', async () => {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const pair = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
    const small = { ...(await exportJWK(pair.privateKey)), kid: 'small', alg: 'RS256' };
    const message = await configurationMessage({ SIGNING_KEYS: JSON.stringify({ keys: [legacyKeys()[0], small] }) });
    expect(message).toMatch(/^Invalid configuration: SIGNING_KEYS key "small" must be at least 2048 bits/);
  });

  it('refuses a certificate that is not the key own, or a wrong thumbprint', async () => {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const [es256, rs256] = legacyKeys();
    const stranger = { ...(await exportJWK(privateKey)), kid: 'stranger', alg: 'RS256', x5c: rs256!.x5c };
    expect(await configurationMessage({ SIGNING_KEYS: JSON.stringify({ keys: [es256, stranger] }) })).toContain(
      'certificate for another key',
    );
    const wrongThumbprint = { ...rs256, x5t: 'AAAA' };
    expect(await configurationMessage({ SIGNING_KEYS: JSON.stringify({ keys: [es256, wrongThumbprint] }) })).toContain('"x5t"');
  });

  it('names the profile var when a legacy profile has no RSA key, and refuses a set without a default key', async () => {
    expect(await configurationMessage({ USER_SERVICE_TOKEN_PROFILE: 'legacy' })).toMatch(
      /^Invalid configuration: USER_SERVICE_TOKEN_PROFILE /,
    );
    expect(await configurationMessage({ USER_SERVICE_TOKEN_PROFILE: 'old' })).toMatch(
      /USER_SERVICE_TOKEN_PROFILE must be "default" or "legacy"/,
    );
    const rsaOnly = JSON.stringify({ keys: [legacyKeys()[1]] });
    expect(await configurationMessage({ SIGNING_KEYS: rsaOnly })).toMatch(/SIGNING_KEYS must hold an ES256 or EdDSA key/);
  });
});
