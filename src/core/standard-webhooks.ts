// Standard Webhooks signing (https://www.standardwebhooks.com), shared by the mail webhook transport
// and the event webhooks: `webhook-id` (the same on every retry, so a receiver drops repeats),
// `webhook-timestamp` (seconds; a receiver refuses one far from its clock, so a captured request
// cannot be replayed later) and `webhook-signature` `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
import { hmacBase64 } from '../crypto/digest';
import { base64, fromBase64, utf8 } from '../crypto/encoding';

/** The HMAC key of a webhook secret: a Standard Webhooks `whsec_<base64>` secret's bytes, else the text's. */
export function webhookKey(secret: string): Uint8Array {
  if (secret.startsWith('whsec_')) {
    try {
      return fromBase64(secret.slice('whsec_'.length));
    } catch {
      // Not base64 after all: the text itself is the key.
    }
  }
  return utf8.encode(secret);
}

/** A new signing secret: `whsec_` and 32 random bytes in base64, as the specification's libraries take it. */
export function newWebhookSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${base64(bytes)}`;
}

/** The three headers that sign `body` as message `id` at `nowMs`. */
export function signedHeaders(secret: string, id: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = hmacBase64(webhookKey(secret), `${id}.${timestamp}.${body}`);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
