// What the Cron Trigger runs: mail that is due, then upkeep, which deletes rows nothing can use
// any more, in rounds until none is left or its budget is spent, and reports the backlog it left
// (in the log and, through KV, on /healthz).
//   sessions     refresh sessions ended (revoked or expired) longer ago than an access token lives,
//                with their spent secrets; FixedTtl user tokens past their `exp`. Infinite and
//                SlidingTtl user tokens stay: D1 cannot tell when a sliding one last lived, and a
//                revoked one's KV mark never expires, so its row is kept alongside it.
//   pendingUsers users never confirmed whose every confirmation link expired a day ago (with them)
//   codes        used or expired for a day (so a second click still reads "already confirmed"),
//                but a pending user's links, which go with the user
//   authorizationCodes  expired longer ago than a session their exchange started can live
//   signInChallenges  the hosted pages' password-then-code challenges, expired for a day
//   passkeyChallenges  the passkey ceremonies' challenges, expired for a day
//   loginFailures  counters whose lock has passed, untouched for a day
//   mail         delivered longer ago than OUTBOX_RETENTION_DAYS
//   events       recorded longer ago than EVENT_RETENTION_DAYS
// A run that deleted anything writes one `upkeep.purged` event with the counts, not one per row.
import * as repo from '../store/upkeep-repo';
import { kvKeys } from '../store/kv';
import type { Deps } from './deps';
import { batchWithEvents } from './events';
import { deliverOutbox } from './mail';
import { republishBacklog } from './revocation';
import { deliverDueWebhooks } from './webhook-delivery';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Room for clock skew between the isolates that issued a token and the one running upkeep. */
const SKEW_MS = 5 * MINUTE_MS;
const CRON_MAIL_BATCH = 50;
const CRON_WEBHOOK_BATCH = 50;

/**
 * Wall time after which a run starts no new round. Every round awaits D1, so the clock moves
 * between rounds in production (Workers advance Date.now() at I/O), and a run's CPU time cannot
 * exceed its wall time: 20 s keeps upkeep under the 30 s of CPU a Cron Trigger gets on Workers Paid,
 * with room for the mail before it, and far inside the 5 minutes to the next run.
 */
export const UPKEEP_TIME_BUDGET_MS = 20_000;
/**
 * Rounds a run takes at most, whatever the clock says (a test's clock stands still; a round is
 * one D1 call). 300 rounds are at most 600 statements (a sessions round is a batch of two),
 * inside the 1,000 D1 queries a Worker invocation may make, with room for the mail and the
 * backlog count; and at most 300,000 rows of sessions, codes, counters or mail per run.
 */
export const UPKEEP_MAX_ROUNDS = 300;
/** The backlog left is counted up to this many rows per kind (one index read of at most this many entries). */
export const UPKEEP_BACKLOG_COUNT_LIMIT = 100_000;

type PerKind = Record<repo.UpkeepKind, number>;

export interface UpkeepReport {
  /** When the run started (ISO 8601). */
  ranAt: string;
  /** Whether every kind ran out of rows to delete; if not, `stoppedBy` says which bound ended the run. */
  finished: boolean;
  stoppedBy: 'nothing_left' | 'time_budget' | 'round_limit';
  rounds: number;
  elapsedMs: number;
  deleted: PerKind & { spentSecrets: number };
  /** Rows each kind still had to delete when the run stopped (0 for a kind it finished), counted up to UPKEEP_BACKLOG_COUNT_LIMIT. */
  backlog: PerKind;
}

const perKind = (): PerKind => Object.fromEntries(repo.UPKEEP_KINDS.map((kind) => [kind, 0])) as PerKind;

function cutoffsAt(deps: Deps, now: number): repo.UpkeepCutoffs {
  return {
    now,
    refreshEndedBefore: now - deps.config.accessTokenTtlSeconds * 1000 - SKEW_MS,
    fixedTtlExpiredBefore: now - SKEW_MS,
    codesEndedBefore: now - DAY_MS,
    authorizationCodesExpiredBefore: now - deps.config.refreshTokenTtlSeconds * 1000 - DAY_MS,
    loginFailuresStaleBefore: now - DAY_MS,
    mailSentBefore: now - deps.config.outboxRetentionDays * DAY_MS,
    eventsBefore: now - deps.config.eventRetentionDays * DAY_MS,
  };
}

/**
 * Rounds, one kind after another (so a flood of one kind does not starve the others), until every
 * kind is done or a bound is reached. A round that deletes less than a full batch finishes its kind.
 */
async function runUpkeep(deps: Deps): Promise<UpkeepReport> {
  const started = deps.now();
  const cutoffs = cutoffsAt(deps, started);
  const deleted = { ...perKind(), spentSecrets: 0 };
  const open = new Set(repo.UPKEEP_KINDS);
  let rounds = 0;
  let stoppedBy: UpkeepReport['stoppedBy'] = 'nothing_left';
  run: while (open.size > 0) {
    for (const kind of [...open]) {
      if (rounds >= UPKEEP_MAX_ROUNDS) stoppedBy = 'round_limit';
      else if (deps.now() - started >= UPKEEP_TIME_BUDGET_MS) stoppedBy = 'time_budget';
      if (stoppedBy !== 'nothing_left') break run;
      const round = await repo.deleteRound(deps.db, kind, cutoffs);
      rounds += 1;
      deleted[kind] += round.deleted;
      deleted.spentSecrets += round.spentSecrets ?? 0;
      if (!round.more) open.delete(kind);
    }
  }
  const backlog = perKind();
  for (const kind of open) backlog[kind] = await repo.countBacklog(deps.db, kind, cutoffs, UPKEEP_BACKLOG_COUNT_LIMIT);
  return {
    ranAt: new Date(started).toISOString(),
    finished: open.size === 0,
    stoppedBy,
    rounds,
    elapsedMs: deps.now() - started,
    deleted,
    backlog,
  };
}

/** What /healthz shows of the last upkeep: when it ran, whether it finished, and the backlog it left. */
export type UpkeepSummary = Pick<UpkeepReport, 'ranAt' | 'finished' | 'backlog'>;

/**
 * The last run's summary from KV (null before the first run). Reading it is also the health
 * check's proof that KV answers; KV may serve a copy up to a minute old.
 */
export async function lastUpkeep(deps: Deps): Promise<UpkeepSummary | null> {
  return deps.kv.get<UpkeepSummary>(kvKeys.upkeepReport, 'json');
}

async function publish(deps: Deps, report: UpkeepReport): Promise<void> {
  const summary: UpkeepSummary = { ranAt: report.ranAt, finished: report.finished, backlog: report.backlog };
  try {
    await deps.kv.put(kvKeys.upkeepReport, JSON.stringify(summary));
  } catch (error) {
    deps.log.error('upkeep_report_failed', { error: String(error) });
  }
}

/** One summary event of what the run deleted (none when it deleted nothing). */
async function recordPurge(deps: Deps, report: UpkeepReport): Promise<void> {
  const deleted = Object.fromEntries(Object.entries(report.deleted).filter(([, count]) => count > 0));
  if (Object.keys(deleted).length === 0) return;
  const details = { deleted, finished: report.finished, rounds: report.rounds };
  await batchWithEvents(deps, [], [{ type: 'upkeep.purged', ecosystemId: null, details }]);
}

/** The scheduled handler's work: retry due mail, then upkeep. A failure of one does not stop the other. */
export async function runScheduled(deps: Deps): Promise<void> {
  try {
    const republished = await republishBacklog(deps);
    if (republished > 0) deps.log.info('revocations_republished', { count: republished });
  } catch (error) {
    deps.log.error('republish_failed', { error: String(error) });
  }
  const mail = await deliverOutbox(deps, CRON_MAIL_BATCH);
  deps.log.info('scheduled_mail', { ...mail });
  try {
    deps.log.info('scheduled_webhooks', await deliverDueWebhooks(deps, CRON_WEBHOOK_BATCH));
  } catch (error) {
    deps.log.error('webhooks_failed', { error: error instanceof Error ? error.name : 'Error' });
  }
  try {
    const report = await runUpkeep(deps);
    deps.log.info('upkeep', { ...report });
    await recordPurge(deps, report);
    await publish(deps, report);
  } catch (error) {
    deps.log.error('upkeep_failed', { error: error instanceof Error ? error.message.split('\nparams:')[0] : String(error) });
  }
}
