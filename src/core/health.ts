// Health that tells the truth: D1 and KV must both answer. The report carries the migration level,
// the outbox backlog and what the last upkeep left; what is down is named, never why (errors go
// to the log). A backlog is not an outage: it shows, and the status stays ok.
import { latestMigration } from '../store/health-repo';
import type { Deps } from './deps';
import { outboxBacklog } from './mail';
import { lastUpkeep, type UpkeepSummary } from './upkeep';

interface HealthReport {
  status: 'ok' | 'unavailable';
  down: ('d1' | 'kv')[];
  d1: 'ok' | 'down';
  kv: 'ok' | 'down';
  migrations: string | null;
  outbox: { pending: number; failed: number } | null;
  /** The last Cron upkeep (null before the first, or when KV is down). */
  upkeep: UpkeepSummary | null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\nparams:')[0]! : String(error);
}

export async function checkHealth(deps: Deps): Promise<HealthReport> {
  const [d1, kv] = await Promise.allSettled([Promise.all([latestMigration(deps.db), outboxBacklog(deps)]), lastUpkeep(deps)]);
  const down: HealthReport['down'] = [];
  if (d1.status === 'rejected') {
    down.push('d1');
    deps.log.error('health_d1_down', { error: describe(d1.reason) });
  }
  if (kv.status === 'rejected') {
    down.push('kv');
    deps.log.error('health_kv_down', { error: describe(kv.reason) });
  }
  return {
    status: down.length === 0 ? 'ok' : 'unavailable',
    down,
    d1: d1.status === 'fulfilled' ? 'ok' : 'down',
    kv: kv.status === 'fulfilled' ? 'ok' : 'down',
    migrations: d1.status === 'fulfilled' ? d1.value[0] : null,
    outbox: d1.status === 'fulfilled' ? d1.value[1] : null,
    upkeep: kv.status === 'fulfilled' ? kv.value : null,
  };
}
