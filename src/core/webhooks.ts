// The operator's webhooks: where the event stream is delivered, signed per Standard Webhooks. A
// webhook takes a list of event types (or `*`), of one ecosystem or of all; its secret
// (`whsec_...`) is shown when made and when rotated, never again. Only https:// URLs, but loopback
// (http://localhost, 127.0.0.1, [::1]) for development.
import { randomId } from '../crypto/random';
import { ecosystemExists } from '../store/ecosystem-repo';
import * as repo from '../store/webhook-repo';
import type { WebhookChanges, WebhookDeliveryRow, WebhookRow } from '../store/webhook-repo';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { EVENT_TYPES } from './events';
import { newWebhookSecret } from './standard-webhooks';
import { deliverDueWebhooks } from './webhook-delivery';

export type { WebhookDeliveryRow, WebhookRow };

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_EVENTS_MAX = 50;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(['*', ...EVENT_TYPES]);

export interface WebhookInput {
  url?: string;
  events?: string[];
  ecosystemId?: string | null;
  disabled?: boolean;
}

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField('url', 'is not a URL');
  }
  if (value.length > WEBHOOK_URL_MAX_LENGTH) throw invalidField('url', `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`);
  if (url.username || url.password) throw invalidField('url', 'must not carry credentials');
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url.toString();
  throw invalidField('url', 'must be an https:// URL (http:// only for localhost)');
}

function checkEvents(list: string[]): string[] {
  if (list.length === 0 || list.length > WEBHOOK_EVENTS_MAX)
    throw invalidField('events', `must list 1 to ${WEBHOOK_EVENTS_MAX} event types`);
  const unknown = list.find((type) => !KNOWN_TYPES.has(type));
  if (unknown !== undefined) throw invalidField('events', 'names an unknown event type');
  return [...new Set(list)];
}

async function checkEcosystem(deps: Deps, ecosystemId: string | null | undefined): Promise<string | null | undefined> {
  if (ecosystemId && !(await ecosystemExists(deps.db, ecosystemId))) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
  return ecosystemId;
}

export async function createWebhook(deps: Deps, input: WebhookInput): Promise<{ webhook: WebhookRow; secret: string }> {
  if (input.url === undefined) throw invalidField('url', 'is missing');
  if (input.events === undefined) throw invalidField('events', 'is missing');
  const now = deps.now();
  const secret = newWebhookSecret();
  const [webhook] = await repo.insertWebhookQuery(deps.db, {
    id: `wh_${randomId()}`,
    url: checkUrl(input.url),
    events: checkEvents(input.events),
    ecosystemId: (await checkEcosystem(deps, input.ecosystemId)) ?? null,
    secret,
    disabled: input.disabled ?? false,
    createdAt: now,
    updatedAt: now,
  });
  return { webhook: webhook!, secret };
}

export async function getWebhook(deps: Deps, id: string): Promise<WebhookRow> {
  const webhook = await repo.findWebhook(deps.db, id);
  if (!webhook) throw new AppError('WEBHOOK_NOT_FOUND');
  return webhook;
}

export function listWebhooks(deps: Deps): Promise<WebhookRow[]> {
  return repo.listWebhooks(deps.db, 100);
}

async function change(deps: Deps, id: string, changes: WebhookChanges): Promise<WebhookRow> {
  const [row] = await repo.updateWebhookQuery(deps.db, id, changes, deps.now());
  if (!row) throw new AppError('WEBHOOK_NOT_FOUND');
  return row;
}

export async function updateWebhook(deps: Deps, id: string, input: WebhookInput): Promise<WebhookRow> {
  const changes: WebhookChanges = {};
  if (input.url !== undefined) changes.url = checkUrl(input.url);
  if (input.events !== undefined) changes.events = checkEvents(input.events);
  if (input.ecosystemId !== undefined) changes.ecosystemId = (await checkEcosystem(deps, input.ecosystemId)) ?? null;
  if (input.disabled !== undefined) changes.disabled = input.disabled;
  return change(deps, id, changes);
}

/** A new secret, shown this once; deliveries are signed with it from now on. */
export async function rotateWebhookSecret(deps: Deps, id: string): Promise<{ webhook: WebhookRow; secret: string }> {
  const secret = newWebhookSecret();
  return { webhook: await change(deps, id, { secret }), secret };
}

export async function deleteWebhook(deps: Deps, id: string): Promise<void> {
  const deleted = await repo.deleteWebhookQuery(deps.db, id);
  if (deleted.length === 0) throw new AppError('WEBHOOK_NOT_FOUND');
}

export async function listDeliveries(deps: Deps, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  await getWebhook(deps, webhookId);
  return repo.listDeliveries(deps.db, webhookId, limit);
}

/** Makes a failed delivery due again (with its attempts counted afresh) and sends it after the response. */
export async function retryDelivery(deps: Deps, webhookId: string, deliveryId: string): Promise<WebhookDeliveryRow> {
  const [row] = await repo.requeueDelivery(deps.db, webhookId, deliveryId, deps.now());
  if (row) {
    deps.defer('deliver_webhooks', () => deliverDueWebhooks(deps));
    return row;
  }
  const current = await repo.findDelivery(deps.db, webhookId, deliveryId);
  if (!current) throw new AppError('DELIVERY_NOT_FOUND');
  throw new AppError('DELIVERY_ALREADY_SENT');
}
