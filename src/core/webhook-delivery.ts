// Sends queued webhook deliveries (Standard Webhooks). Filled in with the webhooks themselves.
import type { Deps } from './deps';

export async function deliverDueWebhooks(_deps: Deps): Promise<number> {
  return 0;
}
