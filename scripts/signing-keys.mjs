// Makes the private JWKs of the SIGNING_KEYS secret, in Node: ES256 or EdDSA for today's tokens,
// RS256 (2048-bit) for the legacy token profiles. An RSA key carries a self-signed X.509
// certificate (`x5c`) and its SHA-1 thumbprint (`x5t`), which the User Service's old consumers
// (JWTVapor) require in the JWKS; the Worker only publishes them. The certificate is a few DER
// structures written by hand below, so no X.509 library is needed for one self-signed cert.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export const KEY_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** What `npm run keys` and `gatehouse keys generate` make unless told: today's tokens and the legacy profiles. */
export const DEFAULT_KEY_ALGORITHMS = ['ES256', 'RS256'];
const RSA_BITS = 2048;
const CERT_YEARS = 10;

// --- DER, just what a certificate needs -------------------------------------------------------
function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...parts) => {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
};
const sequence = (...parts) => tlv(0x30, ...parts);
function integer(bytes) {
  const value = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return tlv(0x02, value);
}
function oid(text) {
  const [first, second, ...rest] = text.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}
function time(date) {
  const iso = `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}
const commonName = (cn) => sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

/** A self-signed X.509 v3 certificate (DER) for an RSA key pair. */
export function selfSignedCertificate(publicKey, privateKey, cn, now = new Date()) {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const until = new Date(now);
  until.setUTCFullYear(until.getUTCFullYear() + CERT_YEARS);
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    SHA256_WITH_RSA,
    commonName(cn),
    sequence(time(now), time(until)),
    commonName(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature));
}

// --- keys -------------------------------------------------------------------------------------
function keyId(alg) {
  return `${alg.toLowerCase()}-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

/** One private JWK with `kid` and `alg`; RS256 keys also carry `x5c` and `x5t`. */
export function generateSigningKey(alg, kid = keyId(alg)) {
  if (alg === 'ES256') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { ...privateKey.export({ format: 'jwk' }), kid, alg };
  }
  if (alg === 'EdDSA') {
    const { privateKey } = generateKeyPairSync('ed25519');
    return { ...privateKey.export({ format: 'jwk' }), kid, alg };
  }
  if (alg === 'RS256') {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
    const certificate = selfSignedCertificate(publicKey, privateKey, `Gatehouse token signing ${kid}`);
    return {
      ...privateKey.export({ format: 'jwk' }),
      kid,
      alg,
      x5c: [certificate.toString('base64')],
      x5t: createHash('sha1').update(certificate).digest('base64url'),
    };
  }
  throw new Error(`unknown algorithm "${alg}" (use one of ${KEY_ALGORITHMS.join(', ')})`);
}

/** The algorithms asked for, each once and in order (the default when none); throws naming an unknown one. */
export function keyAlgorithms(names) {
  const algorithms = [];
  for (const name of names) {
    if (!KEY_ALGORITHMS.includes(name)) throw new Error(`unknown algorithm "${name}" (use ${KEY_ALGORITHMS.join(', ')})`);
    if (!algorithms.includes(name)) algorithms.push(name);
  }
  return algorithms.length > 0 ? algorithms : [...DEFAULT_KEY_ALGORITHMS];
}

/** A SIGNING_KEYS value: one key per algorithm, in the order given. */
export function generateKeySet(algorithms) {
  return JSON.stringify({ keys: algorithms.map((alg) => generateSigningKey(alg)) });
}
