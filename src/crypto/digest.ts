// Hashes of stored secrets (server tokens, refresh secrets, one-time codes) and their
// constant-time comparison. These secrets carry 256 bits of randomness, so a plain SHA-256
// is enough: there is nothing to guess, only a leaked table to make useless.
// SHA-256 and HMAC run in the runtime's native crypto (node:crypto, synchronous): the edge check
// hashes every token it sees, and @noble/hashes' JavaScript SHA-256 was a fifth of that check's CPU.
import { createHash, createHmac } from 'node:crypto';
import { base64url, fromBase64, utf8 } from './encoding';

type Bytes = string | Uint8Array;

function sha256(value: Bytes): Uint8Array {
  return new Uint8Array(createHash('sha256').update(value).digest());
}

function hmacSha256(key: Bytes, message: Bytes): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two strings without an early exit, so the time does not tell where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = utf8.encode(a);
  const right = utf8.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}

/** Whether `secret` hashes to `expectedHash`, compared in constant time. */
export function secretMatchesHash(secret: string, expectedHash: string): boolean {
  return constantTimeEqual(sha256Hex(secret), expectedHash);
}

/** HMAC-SHA256 of `message` under `key`, URL-safe base64. */
export function hmacToken(key: string, message: string): string {
  return base64url(hmacSha256(key, message));
}

/** SHA-256 of `value`, URL-safe base64 without padding (a PKCE S256 code challenge). */
export function sha256Base64url(value: string): string {
  return base64url(sha256(value));
}

/** A refresh secret is 32 bytes: 24 of randomness (or derived from it) and an 8-byte tag. */
const SECRET_BODY_BYTES = 24;
const SECRET_TAG_BYTES = 8;

function secretTag(key: string, context: string, body: Uint8Array): Uint8Array {
  const message = new Uint8Array([...utf8.encode(`gatehouse secret tag\n${context}\n`), ...body]);
  return hmacSha256(key, message).subarray(0, SECRET_TAG_BYTES);
}

/**
 * A secret that carries its own proof of origin: `body` followed by a tag (HMAC under `key`, bound
 * to `context`), URL-safe base64. Only the holder of `key` makes secrets whose tag checks.
 */
export function taggedSecret(key: string, context: string, body: Uint8Array): string {
  const head = body.subarray(0, SECRET_BODY_BYTES);
  return base64url(new Uint8Array([...head, ...secretTag(key, context, head)]));
}

/** The body of a new random tagged secret. */
export function randomSecretBody(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SECRET_BODY_BYTES));
}

/** The body of the successor of `secret`: HMAC(secret, salt), so a retry with the same salt gets the same one. */
export function successorBody(secret: string, salt: string): Uint8Array {
  return hmacSha256(secret, salt).subarray(0, SECRET_BODY_BYTES);
}

/** Whether `secret` is a tagged secret made under `key` for `context` (constant-time on the tag). */
export function hasSecretTag(key: string, context: string, secret: string): boolean {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(secret);
  } catch {
    return false;
  }
  if (bytes.length !== SECRET_BODY_BYTES + SECRET_TAG_BYTES) return false;
  return constantTimeEqual(taggedSecret(key, context, bytes), secret);
}

/** HMAC-SHA256 of `message` under the raw key bytes, standard base64 (Standard Webhooks signatures). */
export function hmacBase64(key: Uint8Array, message: string): string {
  // Padded, as the Standard Webhooks libraries compare it.
  return createHmac('sha256', key).update(message).digest('base64');
}
