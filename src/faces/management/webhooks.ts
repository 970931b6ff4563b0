// The operator's webhooks under /admin/v1/webhooks: made, listed, changed, deleted, their secret
// rotated (shown once, like at creation), and their deliveries listed and retried.
import { Hono } from 'hono';
import { describeRoute, type ResponsesWithResolver } from 'hono-openapi';
import { z } from 'zod';
import * as ecosystems from '../../core/ecosystems';
import { EVENT_TYPES } from '../../core/events';
import * as hooks from '../../core/webhooks';
import { rawOrBearerToken } from '../../http/auth-header';
import { isoTime, optionalFlag, pageLimitParam } from '../../http/fields';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { managementErrors } from './schemas';
import { iso } from './shapes';

const eventList = z
  .array(z.string().max(64))
  .max(hooks.WEBHOOK_EVENTS_MAX)
  .meta({ description: `Event types, or ["*"] for all: ${EVENT_TYPES.join(', ')}.` });
const WebhookCreate = z.object({
  url: z.string().max(hooks.WEBHOOK_URL_MAX_LENGTH).meta({ description: 'https:// (http:// only for localhost).' }),
  events: eventList,
  ecosystemId: z.string().max(64).nullable().optional().meta({ description: 'Only this ecosystem’s events; absent: every ecosystem’s.' }),
  disabled: optionalFlag(),
});
const WebhookPatch = WebhookCreate.partial();
const DeliveryQuery = z.object({ limit: pageLimitParam() });

const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    ecosystemId: z.string().nullable(),
    disabled: z.boolean(),
    createdAt: isoTime(),
    updatedAt: isoTime(),
  })
  .meta({ id: 'Webhook' });
const WebhookSecret = z
  .object({ id: z.string(), secret: z.string().meta({ description: '`whsec_...`: shown this once.' }) })
  .meta({ id: 'WebhookSecret' });
const Delivery = z
  .object({
    id: z.string(),
    eventId: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: isoTime().nullable(),
    lastAttemptAt: isoTime().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoTime(),
    sentAt: isoTime().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

function op(summary: string, ok: ResponsesWithResolver, errors: Record<number, string> = {}) {
  return describeRoute(operation(TAGS.operator, summary, SECURITY.account, { ...ok, ...managementErrors(errors) }));
}
const NOT_FOUND = { 404: 'No such webhook' };
const INVALID = { 400: 'A field is invalid (the message names it)' };

const shown = (row: hooks.WebhookRow) => ({
  id: row.id,
  url: row.url,
  events: row.events,
  ecosystemId: row.ecosystemId,
  disabled: row.disabled,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});
const delivery = (row: hooks.WebhookDeliveryRow) => ({
  id: row.id,
  eventId: row.eventId,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  lastAttemptAt: row.lastAttemptAt === null ? null : iso(row.lastAttemptAt),
  lastStatus: row.lastStatus,
  lastError: row.lastError,
  createdAt: iso(row.createdAt),
  sentAt: row.sentAt === null ? null : iso(row.sentAt),
});

export const webhookRoutes = new Hono<AppEnv>();
webhookRoutes.use('*', async function requireAccountToken(c, next) {
  ecosystems.requireAccountToken(c.env.deps, rawOrBearerToken(c.req.header('authorization')));
  await next();
});

webhookRoutes.post(
  '/',
  op(
    'Create a webhook',
    { 201: jsonResponse('Its id and signing secret, shown this once', WebhookSecret) },
    { ...INVALID, 404: 'No such ecosystem' },
  ),
  validate('json', WebhookCreate, { example: { url: 'https://app.example/hooks/gatehouse', events: ['user.created', 'signin.failed'] } }),
  async (c) => {
    const { webhook, secret } = await hooks.createWebhook(c.env.deps, c.req.valid('json'));
    return c.json({ id: webhook.id, secret }, 201);
  },
);

webhookRoutes.get('/', op('List the webhooks', { 200: jsonResponse('Every webhook', z.object({ items: z.array(Webhook) })) }), async (c) =>
  c.json({ items: (await hooks.listWebhooks(c.env.deps)).map(shown) }),
);

webhookRoutes.get('/:id', op('Show a webhook', { 200: jsonResponse('The webhook', Webhook) }, NOT_FOUND), async (c) =>
  c.json(shown(await hooks.getWebhook(c.env.deps, c.req.param('id')))),
);

webhookRoutes.patch(
  '/:id',
  op('Change a webhook', { 200: jsonResponse('The webhook', Webhook) }, { ...INVALID, ...NOT_FOUND }),
  validate('json', WebhookPatch),
  async (c) => c.json(shown(await hooks.updateWebhook(c.env.deps, c.req.param('id'), c.req.valid('json')))),
);

webhookRoutes.delete('/:id', op('Delete a webhook', { 204: { description: 'Done' } }, NOT_FOUND), async (c) => {
  await hooks.deleteWebhook(c.env.deps, c.req.param('id'));
  return c.body(null, 204);
});

webhookRoutes.post(
  '/:id/rotate-secret',
  op('Rotate a webhook’s secret', { 200: jsonResponse('The new secret, shown this once', WebhookSecret) }, NOT_FOUND),
  async (c) => {
    const { webhook, secret } = await hooks.rotateWebhookSecret(c.env.deps, c.req.param('id'));
    return c.json({ id: webhook.id, secret });
  },
);

webhookRoutes.get(
  '/:id/deliveries',
  op(
    'List a webhook’s deliveries',
    { 200: jsonResponse('The newest deliveries', z.object({ items: z.array(Delivery) })) },
    { ...INVALID, ...NOT_FOUND },
  ),
  validate('query', DeliveryQuery),
  async (c) => c.json({ items: (await hooks.listDeliveries(c.env.deps, c.req.param('id'), c.req.valid('query').limit)).map(delivery) }),
);

webhookRoutes.post(
  '/:id/deliveries/:deliveryId/retry',
  op(
    'Send a failed delivery again',
    { 202: jsonResponse('The delivery, pending again', Delivery) },
    { 404: 'No such webhook or delivery', 409: 'Already delivered' },
  ),
  async (c) => c.json(delivery(await hooks.retryDelivery(c.env.deps, c.req.param('id'), c.req.param('deliveryId'))), 202),
);
