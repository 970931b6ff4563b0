// Runs in Node when vitest starts: a fresh account token and signing key set for the test run.
import { exportJWK, generateKeyPair } from 'jose';

export async function testSecrets(): Promise<{ ACCOUNT_TOKEN: string; SIGNING_KEYS: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-es256-1', alg: 'ES256' };
  const token = `acct_${crypto.randomUUID().replaceAll('-', '')}`;
  return { ACCOUNT_TOKEN: token, SIGNING_KEYS: JSON.stringify({ keys: [jwk] }) };
}
