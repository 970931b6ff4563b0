// Sealing small secrets with AES-256-GCM (WebCrypto): the identity providers' client secrets at rest,
// the upstream sign-in's browser-bound state, and authenticator apps' TOTP keys. The key is derived from a Worker secret with HKDF,
// one key per purpose, so a value sealed for one use never opens as another. A sealed value is
// `v1.<iv>.<ciphertext and tag>` in base64url; anything altered fails to open.
import { base64url, fromBase64, utf8 } from './encoding';

const IV_BYTES = 12;

/** Whether `text` is a usable key for the second factors' secret (MFA_ENCRYPTION_KEY): 32 bytes in (URL-safe) base64. */
export function isSealingKey(text: string): boolean {
  try {
    return fromBase64(text).length === 32;
  } catch {
    return false;
  }
}
const keyCache = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, ['deriveKey']);
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: utf8.encode('gatehouse-sealed-v1'), info: utf8.encode(purpose) },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
    })();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Encrypts `plaintext` for `purpose`; `context` is bound to it (authenticated, not stored). */
export async function seal(secret: string, purpose: string, plaintext: string, context = ''): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await keyFor(secret, purpose);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(context) }, key, utf8.encode(plaintext));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/** The plaintext of a value sealed for `purpose` and `context`, or null when it is not one (altered, other key). */
export async function unseal(secret: string, purpose: string, sealed: string, context = ''): Promise<string | null> {
  const [version, iv, body, ...rest] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || rest.length > 0) return null;
  try {
    const key = await keyFor(secret, purpose);
    const ivBytes = fromBase64(iv);
    if (ivBytes.length !== IV_BYTES) return null;
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: ivBytes, additionalData: utf8.encode(context) },
      key,
      fromBase64(body),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
