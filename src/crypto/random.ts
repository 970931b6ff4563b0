// Random identifiers and secrets, all from crypto.getRandomValues.
import { base64url } from './encoding';

/** A URL-safe random string carrying `bytes` bytes (default 32 = 256 bits) of randomness. */
export function randomToken(bytes = 32): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return base64url(buffer);
}

/** An RFC 4122 v4 UUID: the public id of users, sessions and other records. */
export function randomId(): string {
  return crypto.randomUUID();
}
