// The event stream: what happened, to whom, by whom, in which request. An event is written in the
// same D1 batch as the change it records (`eventStatements`, or `batchWithEvents` around a change's
// batch), so there is no event without its change and no change without its event; its webhook
// deliveries are queued by that batch too and sent after the response. No event holds a password,
// token, code or secret: callers put ids and reasons in `details`, and `cleanDetails` drops any key
// that names a secret, as a second guard.
import { randomId } from '../crypto/random';
import type { Batch, Guard, Statement } from '../store/db';
import { insertEventQuery, insertUserEventQuery, queueDeliveriesQuery, userUpdatedAt, type EventRow } from '../store/event-repo';

export { userUpdatedAt };
import type { ActorRef } from './changes';
import type { Deps } from './deps';
import type { EventActor } from './event-shape';

export { publicEvent, type EventActor, type PublicEvent } from './event-shape';
import { deliverDueWebhooks } from './webhook-delivery';

export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.disabled',
  'user.enabled',
  'user.locked',
  'signup.repeated',
  'signin.succeeded',
  'signin.failed',
  'session.ended',
  'sessions.revoked',
  'password.changed',
  'password.reset_requested',
  'email.changed',
  'email.verified',
  'mfa.enrolled',
  'mfa.removed',
  'mfa.passkey_added',
  'mfa.passkey_removed',
  'identity.linked',
  'identity.unlinked',
  'token.revoked',
  'client.created',
  'client.updated',
  'client.deleted',
  'server_token.created',
  'server_token.revoked',
  'ecosystem.created',
  'ecosystem.updated',
  'ecosystem.deleted',
  'upkeep.purged',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventInput {
  type: EventType;
  /**
   * The ecosystem the change belongs to; null for deployment-wide ones (an OAuth client, a Cron
   * purge); or a statement's reading of it (the ecosystem of a server token it deletes).
   */
  ecosystemId: string | null | Guard;
  userId?: string | null;
  details?: Record<string, unknown>;
  /** Written only if this holds at its point of the batch (the change took effect). */
  guard?: Guard;
}

/**
 * The event of a change to a user, whose ecosystem is read from the user's row by the statement:
 * written only if the user exists at that point of the batch (and `guard` holds for its row).
 */
export interface UserEventInput {
  type: EventType;
  /** The user's id, or a statement's reading of it (session-repo.ts `userOfSession`). */
  userId: string | Guard;
  details?: Record<string, unknown>;
  guard?: Guard;
}

/**
 * The request's actor as an event names it. Before credentials are authenticated (a sign-in, a
 * registration, a reset by mailed code) the person acting is the user the change is about.
 */
export function eventActor(actor: ActorRef, userId?: string | null): EventActor {
  switch (actor.kind) {
    case 'system':
      return { type: 'system' };
    case 'operator':
      return actor.via === 'server_token' ? { type: 'server', id: actor.tokenId } : { type: 'operator' };
    case 'admin':
      return { type: 'operator', id: actor.userId };
    case 'user':
      return { type: 'user', id: actor.userId };
    case 'client':
      return { type: 'client', id: actor.clientId };
    case 'initial_access_token':
      return { type: 'initial_access_token', id: actor.tokenId };
    default:
      return userId ? { type: 'user', id: userId } : { type: 'user' };
  }
}

/** Keys that name a secret: never kept in an event, whatever a caller passed. */
const SECRET_KEY = /pass(word)?|secret|token$|^code$|otp|hash/i;

function cleanDetails(details: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key, value]) => value !== undefined && !SECRET_KEY.test(key)));
}

const USER_AGENT_MAX_CHARS = 256;

/** The event's row, stamped with the request's actor, id, client and clock. */
function eventRow(deps: Deps, input: EventInput | UserEventInput): Omit<EventRow, 'ecosystemId'> {
  const userId = typeof input.userId === 'string' ? input.userId : null;
  const actor = eventActor(deps.actor, userId);
  return {
    id: `evt_${randomId()}`,
    type: input.type,
    at: deps.now(),
    userId,
    actorType: actor.type,
    actorId: actor.id ?? null,
    requestId: deps.requestId,
    ip: deps.clientIp ?? null,
    userAgent: deps.userAgent?.slice(0, USER_AGENT_MAX_CHARS) ?? null,
    details: cleanDetails(input.details),
  };
}

const isUserEvent = (input: EventInput | UserEventInput): input is UserEventInput => !('ecosystemId' in input);

/**
 * The statements that record one event (and queue its webhook deliveries), two of them: add them
 * to the change's batch, then pass their results to `afterEvents`.
 */
export function eventStatements(deps: Deps, input: EventInput | UserEventInput): Statement[] {
  const row = eventRow(deps, input);
  const insert = isUserEvent(input)
    ? insertUserEventQuery(deps.db, row, input.userId, input.guard)
    : insertEventQuery(deps.db, { ...row, ecosystemId: input.ecosystemId }, input.guard);
  return [insert, queueDeliveriesQuery(deps.db, row.id, row.at)];
}

const changesOf = (result: unknown): number => (result as D1Result | undefined)?.meta?.changes ?? 0;

/**
 * Runs a change's statements, its events' and then `after` (a delete that must see the row the
 * event reads first) in one batch; returns the results of `statements` and `after`, in that order.
 * When the batch queued webhook deliveries, they are sent after the response.
 */
export async function batchWithEvents(
  deps: Deps,
  statements: Statement[],
  inputs: (EventInput | UserEventInput)[],
  after: Statement[] = [],
): Promise<unknown[]> {
  const recorded = inputs.flatMap((input) => eventStatements(deps, input));
  const results = await deps.db.batch([...statements, ...recorded, ...after] as Batch);
  afterEvents(deps, results.slice(statements.length, statements.length + recorded.length));
  return [...results.slice(0, statements.length), ...results.slice(statements.length + recorded.length)];
}

/**
 * What follows a batch that held `eventStatements`, given their results (in order): the deliveries
 * it queued are sent after the response.
 */
export function afterEvents(deps: Deps, eventResults: unknown[]): void {
  const queued = eventResults.filter((_, index) => index % 2 === 1).reduce<number>((sum, result) => sum + changesOf(result), 0);
  if (queued > 0) deps.defer('deliver_webhooks', () => deliverDueWebhooks(deps));
}
