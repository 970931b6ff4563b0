// The signing key ring, read from the SIGNING_KEYS secret: a JWK set of private keys, newest
// first. Each algorithm's first key signs the tokens that need that algorithm (ES256 or EdDSA
// for today's tokens, RS256 for the legacy profiles); every key verifies and is published in the
// JWKS, so a key that is retired from signing (moved down the list) keeps verifying until it is
// removed. An RSA key is published with its certificate (`x5c`, `x5t`) when it carries one.
import { exportSPKI, importJWK, type JWK } from 'jose';
import { base64url, fromBase64 } from './encoding';

type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];
/** What today's (default profile) tokens are signed with. */
const DEFAULT_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA'];
const RSA_MIN_BITS = 2048;

interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  x5c?: string[];
  x5t?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface Signer {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface KeyRing {
  /** The default profile's signer: the first ES256 or EdDSA key. */
  signer: Signer;
  /** The first (newest) key of each algorithm the set holds. */
  signers: Map<SigningAlgorithm, Signer>;
  verifiers: Map<string, { alg: SigningAlgorithm; key: CryptoKey }>;
  jwks: { keys: PublicJwk[] };
  /**
   * The key set per token profile: `default` the ES256 and EdDSA keys, `legacy` the RS256 ones. For
   * consumers that read every key of a set as their own kind (JWTVapor decodes each as RSA).
   */
  profileJwks: { default: { keys: PublicJwk[] }; legacy: { keys: PublicJwk[] } };
  algorithms: SigningAlgorithm[];
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let index = 0; index < needle.length; index++) if (haystack[start + index] !== needle[index]) continue outer;
    return true;
  }
  return false;
}

/** `x5c` and `x5t` of an RSA key: the certificate must hold the key's own modulus. */
async function certificateOf(jwk: JWK & { kid: string }): Promise<Pick<PublicJwk, 'x5c' | 'x5t'>> {
  if (jwk.x5c === undefined) return {};
  const first = Array.isArray(jwk.x5c) ? jwk.x5c[0] : undefined;
  let der: Uint8Array;
  try {
    if (typeof first !== 'string') throw new Error('not a string');
    der = fromBase64(first);
    if (der.length === 0) throw new Error('empty');
  } catch {
    throw new Error(`key "${jwk.kid}" has an "x5c" that is not base64 DER`);
  }
  if (!contains(der, fromBase64(jwk.n!))) throw new Error(`key "${jwk.kid}" has an "x5c" certificate for another key`);
  const x5t = base64url(new Uint8Array(await crypto.subtle.digest('SHA-1', der)));
  if (jwk.x5t !== undefined && jwk.x5t !== x5t) throw new Error(`key "${jwk.kid}" has an "x5t" that is not its certificate's`);
  return { x5c: [first], x5t };
}

async function publicPart(jwk: JWK & { kid: string; alg: SigningAlgorithm }): Promise<PublicJwk> {
  const { kty, crv, x, y, n, e, kid, alg } = jwk;
  if (alg === 'RS256') {
    if (kty !== 'RSA' || !n || !e) throw new Error(`key "${kid}" is RS256 but not an RSA key`);
    if (fromBase64(n).length * 8 < RSA_MIN_BITS) throw new Error(`key "${kid}" must be at least ${RSA_MIN_BITS} bits`);
    return { kty, n, e, ...(await certificateOf(jwk)), kid, alg, use: 'sig' };
  }
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
  const signers = new Map<SigningAlgorithm, Signer>();
  const published: PublicJwk[] = [];
  for (const [index, entry] of keys.entries()) {
    const jwk = entry as JWK;
    const alg = jwk.alg as SigningAlgorithm;
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error(`key ${index} has no "kid"`);
    if (!SIGNING_ALGORITHMS.includes(alg)) throw new Error(`key "${jwk.kid}" must have alg ES256, EdDSA or RS256`);
    if (verifiers.has(jwk.kid)) throw new Error(`kid "${jwk.kid}" appears twice`);
    const pub = await publicPart({ ...jwk, kid: jwk.kid, alg });
    const { x5c: _x5c, x5t: _x5t, ...bare } = pub;
    verifiers.set(jwk.kid, { alg, key: (await importJWK({ ...bare, use: undefined }, alg)) as CryptoKey });
    published.push(pub);
    if (!signers.has(alg)) {
      if (typeof jwk.d !== 'string') throw new Error(`key "${jwk.kid}" is the first ${alg} key: it signs and needs its private part`);
      signers.set(alg, { kid: jwk.kid, alg, key: (await importJWK({ ...jwk, x5c: undefined, x5t: undefined }, alg)) as CryptoKey });
    }
  }
  const newestDefault = published.find((key) => DEFAULT_ALGORITHMS.includes(key.alg));
  const signer = newestDefault && signers.get(newestDefault.alg);
  if (!signer) throw new Error('must hold an ES256 or EdDSA key: the default token profile signs with it');
  return {
    signer,
    signers,
    verifiers,
    jwks: { keys: published },
    profileJwks: {
      default: { keys: published.filter((key) => DEFAULT_ALGORITHMS.includes(key.alg)) },
      legacy: { keys: published.filter((key) => !DEFAULT_ALGORITHMS.includes(key.alg)) },
    },
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

const pems = new WeakMap<CryptoKey, Promise<string>>();

/** The PEM (SPKI) of a signer's public key, exported once per key. */
export function publicKeyPem(keys: KeyRing, signer: Signer): Promise<string> {
  const key = keys.verifiers.get(signer.kid)!.key;
  let pem = pems.get(key);
  if (!pem) {
    pem = exportSPKI(key);
    pems.set(key, pem);
  }
  return pem;
}
