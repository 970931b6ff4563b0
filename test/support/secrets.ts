// Runs in Node when vitest starts: a fresh account token and signing key sets for the test run.
// SIGNING_KEYS holds one ES256 key, as the existing tests expect; LEGACY_SIGNING_KEYS holds that
// key and an RSA key with its certificate, as `npm run dev` and `npm run keys` make them, for the
// tests of the legacy token profiles. IDP_SECRET_KEY seals the identity providers' client secrets.
import { generateSigningKey } from '../../scripts/signing-keys.mjs';

export async function testSecrets(): Promise<{
  ACCOUNT_TOKEN: string;
  SIGNING_KEYS: string;
  LEGACY_SIGNING_KEYS: string;
  MFA_ENCRYPTION_KEY: string;
  IDP_SECRET_KEY: string;
}> {
  const es256 = generateSigningKey('ES256', 'test-es256-1');
  const rs256 = generateSigningKey('RS256', 'test-rs256-1');
  const token = `acct_${crypto.randomUUID().replaceAll('-', '')}`;
  return {
    ACCOUNT_TOKEN: token,
    SIGNING_KEYS: JSON.stringify({ keys: [es256] }),
    LEGACY_SIGNING_KEYS: JSON.stringify({ keys: [es256, rs256] }),
    // Seals authenticator-app secrets at rest (32 bytes, base64).
    MFA_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
    IDP_SECRET_KEY: `idp_${crypto.randomUUID()}${crypto.randomUUID()}`,
  };
}
