// Sends queued webhook deliveries: after the response that queued them, and again from the Cron
// run for those that failed. Each attempt is claimed first (webhook-repo.ts claimDelivery), so no
// attempt is sent twice; a 2xx answer marks the delivery sent, anything else (a 3xx is not followed:
// the event goes nowhere but the configured URL) waits for the backoff, until WEBHOOK_MAX_ATTEMPTS
// have failed. The body is `{type, timestamp, data}` with the event as `data`, signed per Standard
// Webhooks with the delivery's id as `webhook-id` (the same on every retry).
import { claimDelivery, dueDeliveries, recordAttempt, type DueDelivery } from '../store/webhook-repo';
import type { Deps } from './deps';
import { publicEvent } from './event-shape';
import { signedHeaders } from './standard-webhooks';

const BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720, 1440];
const SEND_TIMEOUT_MS = 10_000;
/** Deliveries one run sends at most (after a response, or per Cron run). */
export const WEBHOOK_BATCH = 25;

function backoffMs(attempt: number): number {
  return BACKOFF_MINUTES[Math.min(attempt, BACKOFF_MINUTES.length) - 1]! * 60_000;
}

/** The delivery's body: what a Standard Webhooks receiver parses after verifying it. */
export function webhookBody(due: Pick<DueDelivery, 'event'>): string {
  const event = publicEvent(due.event);
  return JSON.stringify({ type: event.type, timestamp: event.at, data: event });
}

/** One attempt: the HTTP status it got (null: no answer) and a reason safe to store when it failed. */
async function post(deps: Deps, due: DueDelivery): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const body = webhookBody(due);
  try {
    const response = await deps.fetch(due.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(due.secret, due.delivery.id, deps.now(), body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { ok: response.ok, status: response.status, error: response.ok ? null : `answered HTTP ${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { ok: false, status: null, error: name === 'TimeoutError' ? 'no answer in time' : `request failed (${name})` };
  }
}

async function attempt(deps: Deps, due: DueDelivery): Promise<'sent' | 'failed' | 'pending' | 'skipped'> {
  const now = deps.now();
  const attempts = due.delivery.attempts + 1;
  if (!(await claimDelivery(deps.db, due.delivery, now, now + backoffMs(attempts)))) return 'skipped';
  const result = await post(deps, due);
  const status = result.ok ? 'sent' : attempts >= deps.config.webhookMaxAttempts ? 'failed' : 'pending';
  await recordAttempt(deps.db, due.delivery.id, { status, httpStatus: result.status, error: result.error, now: deps.now() });
  return status;
}

/** Sends the deliveries due now (up to `limit`); returns how many of each outcome. */
export async function deliverDueWebhooks(deps: Deps, limit = WEBHOOK_BATCH): Promise<Record<string, number>> {
  const counts: Record<string, number> = { sent: 0, failed: 0, pending: 0, skipped: 0 };
  for (const due of await dueDeliveries(deps.db, deps.now(), limit)) {
    const outcome = await attempt(deps, due);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}
