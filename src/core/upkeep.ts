// What the Cron Trigger runs: mail that is due, then upkeep, which deletes rows nothing can use
// any more, in bounded rounds, and logs how many of each went.
//   sessions     refresh sessions ended (revoked or expired) longer ago than an access token lives,
//                with their spent secrets; FixedTtl user tokens past their `exp`. Infinite and
//                SlidingTtl user tokens stay: D1 cannot tell when a sliding one last lived, and a
//                revoked one's KV mark never expires, so its row is kept alongside it.
//   codes        used or expired for a day (so a second click still reads "already confirmed")
//   pending      users never confirmed whose every confirmation link expired a day ago (with them)
//   failures     login-failure counters whose lock has passed, untouched for a day
//   mail         delivered longer ago than OUTBOX_RETENTION_DAYS
import * as repo from '../store/upkeep-repo';
import type { Deps } from './deps';
import { deliverOutbox } from './mail';
import { republishBacklog } from './revocation';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Room for clock skew between the isolates that issued a token and the one running upkeep. */
const SKEW_MS = 5 * MINUTE_MS;
/** Rounds of UPKEEP_BATCH deletes per kind per run; what is left waits for the next run. */
const MAX_ROUNDS = 10;
const CRON_MAIL_BATCH = 50;

async function inRounds(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const deleted = await step();
    total += deleted;
    if (deleted < repo.UPKEEP_BATCH) break;
  }
  return total;
}

interface UpkeepCounts {
  sessions: number;
  codes: number;
  pendingUsers: number;
  loginFailures: number;
  mail: number;
}

async function runUpkeep(deps: Deps): Promise<UpkeepCounts> {
  const now = deps.now();
  const cutoffs = {
    refreshEndedBefore: now - deps.config.accessTokenTtlSeconds * 1000 - SKEW_MS,
    fixedTtlExpiredBefore: now - SKEW_MS,
  };
  const counts: UpkeepCounts = {
    sessions: await inRounds(() => repo.deleteEndedSessions(deps.db, cutoffs)),
    // Before the codes: a pending user is found through its expired confirmation links.
    pendingUsers: await inRounds(() => repo.deleteExpiredPendingUsers(deps.db, now - DAY_MS)),
    codes:
      (await inRounds(() => repo.deleteSpentCodes(deps.db, now - DAY_MS))) +
      (await inRounds(() => repo.deleteExpiredAuthorizationCodes(deps.db, now - deps.config.refreshTokenTtlSeconds * 1000 - DAY_MS))),
    loginFailures: await inRounds(() => repo.deleteStaleLoginFailures(deps.db, now, now - DAY_MS)),
    mail: await inRounds(() => repo.deleteDeliveredMail(deps.db, now - deps.config.outboxRetentionDays * DAY_MS)),
  };
  deps.log.info('upkeep', { deleted: counts });
  return counts;
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
    await runUpkeep(deps);
  } catch (error) {
    deps.log.error('upkeep_failed', { error: error instanceof Error ? error.message.split('\nparams:')[0] : String(error) });
  }
}
