// Revocation, made visible at the edge. D1 records it first (the truth, used by strict checks);
// then KV (read by every isolate, so it spreads within KV's propagation time, about a minute);
// then this isolate's memory, so it takes effect here at once.
//
// The rule: every user has an integer token epoch; every token carries the epoch of the session
// that issued it as `gen` (a token without one is refused). A token is revoked iff its `gen` is
// below the user's epoch, or its session is marked revoked. A bulk revocation raises the epoch
// and marks the user's live sessions revoked in one D1 batch, so it kills every token issued
// before it and no token issued after it, whatever the clocks say.
import type { Batch, Statement } from '../store/db';
import { kvKeys, kvTtl } from '../store/kv';
import { forgetPublished, oldestUnpublished, rememberUnpublished, type BacklogRow } from '../store/kv-backlog-repo';
import { bulkRevocationQueries, type BulkRevocationOptions, type EndedSession } from '../store/session-repo';
import type { RevocationReason } from './changes';
import type { Deps } from './deps';
import { afterEvents, eventStatements, type EventInput, type UserEventInput } from './events';

const PUBLISH_ATTEMPTS = 3;
const GRANTS_TTL_SECONDS = 86_400;
/**
 * At most this many `rev:` marks are written for the sessions one bulk revocation ended (one KV
 * write each); the epoch covers the rest, and the marks only guard against an out-of-order
 * epoch write in KV.
 */
const MAX_SESSION_MARKS = 50;

/** How many backlogged marks one Cron run writes again. */
const BACKLOG_BATCH = 100;

/**
 * Writes a revocation (or grants) to KV, trying up to three times; the later tries run after the
 * response. If KV refuses them all, D1 still holds the truth (strict checks and this isolate see
 * it), the failure is logged, and a revocation mark goes to the backlog that the next Cron run
 * writes again: other isolates learn of it within a Cron interval of KV's recovery.
 */
async function publish(deps: Deps, key: string, value: string, ttlSeconds: number | null, backlog = true): Promise<boolean> {
  const now = deps.now();
  deps.edge.rememberRevocation(key, value, now);
  const options = ttlSeconds === null ? undefined : { expirationTtl: kvTtl(ttlSeconds) };
  const attempt = async (tries: number): Promise<boolean> => {
    try {
      await deps.kv.put(key, value, options);
      return true;
    } catch (error) {
      deps.log.error('revocation_publish_failed', { key: key.split(':')[0], tries, error: String(error) });
      if (tries < PUBLISH_ATTEMPTS) deps.defer('revocation_publish', () => attempt(tries + 1));
      else if (backlog)
        await keepForCron(deps, { key, value, expiresAt: ttlSeconds === null ? null : now + ttlSeconds * 1000, createdAt: now });
      return false;
    }
  };
  return attempt(1);
}

async function keepForCron(deps: Deps, row: BacklogRow): Promise<void> {
  try {
    await rememberUnpublished(deps.db, row);
  } catch (error) {
    deps.log.error('revocation_backlog_failed', { key: row.key.split(':')[0], error: String(error) });
  }
}

/** The Cron run's part: writes backlogged revocation marks to KV again; returns how many were written. */
export async function republishBacklog(deps: Deps): Promise<number> {
  let written = 0;
  for (const row of await oldestUnpublished(deps.db, BACKLOG_BATCH)) {
    const remainingMs = row.expiresAt === null ? null : row.expiresAt - deps.now();
    try {
      if (remainingMs === null || remainingMs > 0) {
        await deps.kv.put(row.key, row.value, remainingMs === null ? undefined : { expirationTtl: kvTtl(remainingMs / 1000) });
        written += 1;
      }
      await forgetPublished(deps.db, row);
    } catch (error) {
      deps.log.error('revocation_republish_failed', { key: row.key.split(':')[0], error: String(error) });
      break; // KV is still down: the rest waits for the next run.
    }
  }
  return written;
}

/** The statements of a bulk revocation, to run in one batch (with others) and then publish. */
export function bulkRevocation(deps: Deps, userId: string, reason: RevocationReason, options: BulkRevocationOptions = {}) {
  return bulkRevocationQueries(deps.db, userId, reason, deps.now(), options);
}

/**
 * Publishes what a bulk revocation's batch returned: the user's new epoch (nothing when the batch
 * changed nothing) and the sessions it ended.
 */
export async function publishBulkRevocation(
  deps: Deps,
  userId: string,
  epochRows: { tokenEpoch: number }[],
  ended: EndedSession[],
): Promise<void> {
  const epoch = epochRows[0]?.tokenEpoch;
  if (epoch === undefined) return;
  deps.edge.rememberEpoch(userId, epoch);
  await Promise.all([
    publish(deps, kvKeys.tokenEpoch(userId), String(epoch), null),
    ...ended.slice(0, MAX_SESSION_MARKS).map((row) => publishSessionRevoked(deps, row.id, tokenLifetimeSeconds(deps, row))),
  ]);
}

interface BulkRevocationRun extends BulkRevocationOptions {
  /** Statements run first in the batch: the revocation sees what they wrote (a role change). */
  before?: Statement[];
  /** Statements run last: they see the sessions already ended (a delete that cascades them). */
  after?: Statement[];
  /** The events of the change, written in its batch (events.ts): a user's before `after`, so a delete still finds the user. */
  events?: (EventInput | UserEventInput)[];
}

/**
 * The one way a user's sessions end together: the bulk revocation, in one batch with `before`
 * and `after`, then published. The actor and request id in Deps and `reason` are what an audit
 * record of it (changes.ts `changeOf`) would say, written as one more statement of this batch. Returns the results of `before` and `after`.
 */
export async function runBulkRevocation(
  deps: Deps,
  userId: string,
  reason: RevocationReason,
  options: BulkRevocationRun = {},
): Promise<{ before: unknown[]; after: unknown[] }> {
  const before = options.before ?? [];
  const after = options.after ?? [];
  const revocation = bulkRevocation(deps, userId, reason, options);
  const recorded = (options.events ?? []).flatMap((event) => eventStatements(deps, event));
  const results = await deps.db.batch([...before, ...revocation, ...recorded, ...after] as Batch);
  const [epochRows, ended] = results.slice(before.length) as [{ tokenEpoch: number }[], EndedSession[]];
  afterEvents(deps, results.slice(before.length + revocation.length, before.length + revocation.length + recorded.length));
  await publishBulkRevocation(deps, userId, epochRows, ended);
  return { before: results.slice(0, before.length), after: results.slice(before.length + revocation.length + recorded.length) };
}

/** Ends every session and token of a user (logout everywhere, operator revoke-all). */
export async function revokeAllTokensForUser(deps: Deps, userId: string, reason: RevocationReason): Promise<void> {
  await runBulkRevocation(deps, userId, reason, { events: [{ type: 'sessions.revoked', userId, details: { reason } }] });
}

/** How long a token carrying this session's id may still live, for the KV revocation's TTL. */
export function tokenLifetimeSeconds(deps: Deps, row: EndedSession): number | null {
  // A refresh or browser session's tokens are access tokens, which live ACCESS_TOKEN_TTL at most.
  if (row.kind === 'refresh' || row.kind === 'browser') return deps.config.accessTokenTtlSeconds;
  if (row.expiryType === 'FixedTtl' && row.ttlSeconds !== null) {
    // The token's `exp` (kept as expiresAt) may fall up to a second after createdAt + ttl.
    const end = row.expiresAt ?? row.createdAt + row.ttlSeconds * 1000;
    return Math.max(0, (end - deps.now()) / 1000);
  }
  return null;
}

/**
 * Marks one session revoked in KV and here. `ttlSeconds` is how long a token carrying its id
 * could still live (null: forever, for Infinite and SlidingTtl user tokens). Returns whether KV
 * took the first write (later tries run after the response).
 */
export function publishSessionRevoked(deps: Deps, sessionId: string, ttlSeconds: number | null): Promise<boolean> {
  return publish(deps, kvKeys.revokedSession(sessionId), '1', ttlSeconds);
}

/**
 * Publishes a user's environment grants (as D1 holds them after the change) for the edge. They
 * expire after a day, after which the edge reads D1 again: a publication that two concurrent
 * changes made out of order heals by itself.
 */
export async function publishGrants(deps: Deps, userId: string, environmentIds: string[]): Promise<void> {
  // Not backlogged: grants expire from KV within a day and are read from D1 again.
  await publish(deps, kvKeys.grants(userId), JSON.stringify(environmentIds), GRANTS_TTL_SECONDS, false);
}

/**
 * Publishes an OAuth client's token epoch (raised when the operator withdraws the client
 * credentials grant, or past its last value when the client is deleted): every machine token of
 * the client issued under a lower one is refused at the edge, as a user's epoch does for user
 * tokens. Machine tokens live ACCESS_TOKEN_TTL at most, so the key need not outlive that.
 */
export async function publishClientEpoch(deps: Deps, clientId: string, epoch: number): Promise<boolean> {
  deps.edge.rememberEpoch(clientEpochKey(clientId), epoch);
  return publish(deps, kvKeys.clientEpoch(clientId), String(epoch), deps.config.accessTokenTtlSeconds);
}

/** The isolate's key for a client's highest epoch seen (beside users' epochs, which are keyed by user id). */
export const clientEpochKey = (clientId: string) => `client:${clientId}`;
