// The signing key ring, read from the SIGNING_KEYS secret: a JWK set of private keys, newest
// first. The first key signs; every key verifies and is published in the JWKS, so a key that
// is retired from signing (moved down the list) keeps verifying until it is removed.
import { importJWK, type JWK } from 'jose';

export type SigningAlgorithm = 'ES256' | 'EdDSA';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA'];

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface KeyRing {
  signer: { kid: string; alg: SigningAlgorithm; key: CryptoKey };
  verifiers: Map<string, { alg: SigningAlgorithm; key: CryptoKey }>;
  jwks: { keys: PublicJwk[] };
  algorithms: SigningAlgorithm[];
}

function publicPart(jwk: JWK & { kid: string; alg: SigningAlgorithm }): PublicJwk {
  const { kty, crv, x, y, kid, alg } = jwk;
  if (!kty || !crv || !x) throw new Error(`key "${kid}" is not an EC or OKP key`);
  return { kty, crv, x, ...(y ? { y } : {}), kid, alg, use: 'sig' };
}

async function loadKeyRing(secret: string): Promise<KeyRing> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error('must be a JSON Web Key Set ({"keys": [...]})');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('must hold at least one key in "keys"');
  const verifiers = new Map<string, { alg: SigningAlgorithm; key: CryptoKey }>();
  const published: PublicJwk[] = [];
  let signer: KeyRing['signer'] | undefined;
  for (const [index, entry] of keys.entries()) {
    const jwk = entry as JWK;
    const alg = jwk.alg as SigningAlgorithm;
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error(`key ${index} has no "kid"`);
    if (!SIGNING_ALGORITHMS.includes(alg)) throw new Error(`key "${jwk.kid}" must have alg ES256 or EdDSA`);
    if (verifiers.has(jwk.kid)) throw new Error(`kid "${jwk.kid}" appears twice`);
    const pub = publicPart({ ...jwk, kid: jwk.kid, alg });
    verifiers.set(jwk.kid, { alg, key: (await importJWK({ ...pub, use: undefined }, alg)) as CryptoKey });
    published.push(pub);
    if (index === 0) {
      if (typeof jwk.d !== 'string') throw new Error(`the first key "${jwk.kid}" signs and needs its private part`);
      signer = { kid: jwk.kid, alg, key: (await importJWK(jwk, alg)) as CryptoKey };
    }
  }
  return {
    signer: signer!,
    verifiers,
    jwks: { keys: published },
    algorithms: [...new Set(published.map((key) => key.alg))],
  };
}

const rings = new Map<string, Promise<KeyRing>>();

/** The key ring for a SIGNING_KEYS value, imported once per isolate. */
export function keyRing(secret: string): Promise<KeyRing> {
  let ring = rings.get(secret);
  if (!ring) {
    ring = loadKeyRing(secret);
    ring.catch(() => rings.delete(secret));
    rings.set(secret, ring);
  }
  return ring;
}
