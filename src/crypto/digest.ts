// Hashes of stored secrets (server tokens, refresh secrets, one-time codes) and their
// constant-time comparison. These secrets carry 256 bits of randomness, so a plain SHA-256
// is enough: there is nothing to guess, only a leaked table to make useless.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64url, hex, utf8 } from './encoding';

export function sha256Hex(value: string): string {
  return hex(sha256(utf8.encode(value)));
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
  return base64url(hmac(sha256, utf8.encode(key), utf8.encode(message)));
}


/** SHA-256 of `value`, URL-safe base64 without padding (a PKCE S256 code challenge). */
export function sha256Base64url(value: string): string {
  return base64url(sha256(utf8.encode(value)));
}

/** HMAC-SHA256 of `message` under the raw key bytes, standard base64 (Standard Webhooks signatures). */
export function hmacBase64(key: Uint8Array, message: string): string {
  // Padded, as the Standard Webhooks libraries compare it.
  return btoa(String.fromCharCode(...hmac(sha256, key, utf8.encode(message))));
}
