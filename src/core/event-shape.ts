// How an event is shown to the operator and in a webhook delivery's `data`: ISO times, the actor as
// `{type, id?}`, and absent fields left out.
import type { EventRow } from '../store/event-repo';

/** Who acted, as an event shows it. */
export interface EventActor {
  type: 'user' | 'operator' | 'server' | 'system' | 'client' | 'initial_access_token';
  id?: string;
}

/** An event as the operator routes and webhooks show it. */
export interface PublicEvent {
  id: string;
  type: string;
  at: string;
  ecosystemId: string | null;
  userId?: string;
  actor: EventActor;
  requestId: string;
  ip?: string;
  userAgent?: string;
  details: Record<string, unknown>;
}

/** The public shape of an event row. */
export function publicEvent(row: EventRow): PublicEvent {
  return {
    id: row.id,
    type: row.type,
    at: new Date(row.at).toISOString(),
    ecosystemId: row.ecosystemId,
    ...(row.userId ? { userId: row.userId } : {}),
    actor: row.actorId ? { type: row.actorType as EventActor['type'], id: row.actorId } : { type: row.actorType as EventActor['type'] },
    requestId: row.requestId,
    ...(row.ip ? { ip: row.ip } : {}),
    ...(row.userAgent ? { userAgent: row.userAgent } : {}),
    details: row.details,
  };
}
