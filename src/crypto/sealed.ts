// Secrets that must be read back (an authenticator app's TOTP key), sealed at rest with AES-256-GCM
// through WebCrypto. The key comes from a Worker secret (MFA_ENCRYPTION_KEY, 32 bytes in base64);
// each seal has a fresh 96-bit IV and is bound to a context (the owner's id) as associated data, so
// a sealed value copied onto another row does not open.
import { base64url, fromBase64, utf8 } from './encoding';

const VERSION = 'v1';
const IV_BYTES = 12;

const keys = new Map<string, Promise<CryptoKey>>();

/** Whether `text` is a usable sealing key: 32 bytes in (URL-safe) base64. */
export function isSealingKey(text: string): boolean {
  try {
    return fromBase64(text).length === 32;
  } catch {
    return false;
  }
}

function importKey(keyText: string): Promise<CryptoKey> {
  let key = keys.get(keyText);
  if (!key) {
    key = crypto.subtle.importKey('raw', fromBase64(keyText), 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(keyText, key);
  }
  return key;
}

/** `v1.<iv>.<ciphertext>`: `plain` sealed under the key, bound to `context`. */
export async function seal(keyText: string, plain: Uint8Array, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(context) },
    await importKey(keyText),
    plain,
  );
  return `${VERSION}.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/** The plain bytes of a sealed value; throws when it was not sealed under this key for this context. */
export async function unseal(keyText: string, sealed: string, context: string): Promise<Uint8Array> {
  const [version, iv, body] = sealed.split('.');
  if (version !== VERSION || !iv || !body) throw new Error('not a sealed value');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(iv), additionalData: utf8.encode(context) },
    await importKey(keyText),
    fromBase64(body),
  );
  return new Uint8Array(plain);
}
