// The operator's event log under /admin/v1: every event, or one user's, newest first in keyset pages.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import * as ecosystems from '../../core/ecosystems';
import { pageEvents } from '../../core/event-listing';
import { EVENT_TYPES } from '../../core/events';
import { rawOrBearerToken } from '../../http/auth-header';
import { isoTime, pageLimitParam } from '../../http/fields';
import type { AppEnv } from '../../http/types';
import { validate } from '../../http/validate';
import { jsonResponse, operation, SECURITY, TAGS } from '../../openapi/describe';
import { managementErrors } from './schemas';

const since = z.string().optional().meta({ description: 'ISO 8601: events at or after this time.' });
const until = z.string().optional().meta({ description: 'ISO 8601: events at or before this time.' });
const EventQuery = z.object({
  ecosystemId: z.string().optional(),
  userId: z.string().optional(),
  type: z
    .string()
    .optional()
    .meta({ description: `One event type: ${EVENT_TYPES.join(', ')}.` }),
  since,
  until,
  cursor: z.string().optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  limit: pageLimitParam(),
});
const UserEventQuery = EventQuery.omit({ userId: true, ecosystemId: true });

export const Event = z
  .object({
    id: z.string(),
    type: z.string(),
    at: isoTime(),
    ecosystemId: z.string().nullable(),
    userId: z.string().optional(),
    actor: z.object({
      type: z.enum(['user', 'operator', 'server', 'system', 'client', 'initial_access_token']),
      id: z.string().optional(),
    }),
    requestId: z.string(),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });
const EventPage = z.object({ items: z.array(Event), nextCursor: z.string().nullable() }).meta({ id: 'EventPage' });

const op = (summary: string) =>
  describeRoute(
    operation(TAGS.operator, summary, SECURITY.account, {
      200: jsonResponse('A page of events, newest first', EventPage),
      ...managementErrors({ 400: 'A filter or the cursor is invalid' }),
    }),
  );

export const eventRoutes = new Hono<AppEnv>();
eventRoutes.use('*', async function requireAccountToken(c, next) {
  ecosystems.requireAccountToken(c.env.deps, rawOrBearerToken(c.req.header('authorization')));
  await next();
});

eventRoutes.get('/events', op('List events'), validate('query', EventQuery), async (c) =>
  c.json(await pageEvents(c.env.deps, c.req.valid('query'))),
);

eventRoutes.get('/users/:userId/events', op('List a user’s events'), validate('query', UserEventQuery), async (c) =>
  c.json(await pageEvents(c.env.deps, { ...c.req.valid('query'), userId: c.req.param('userId') })),
);
