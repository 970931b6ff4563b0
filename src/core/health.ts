// Health that tells the truth: D1 and KV must both answer. The report carries the migration level
// and the outbox backlog; what is down is named, never why (errors go to the log).
import { kvKeys } from '../store/kv';
import { latestMigration } from '../store/health-repo';
import type { Deps } from './deps';
import { outboxBacklog } from './mail';

interface HealthReport {
  status: 'ok' | 'unavailable';
  down: ('d1' | 'kv')[];
  d1: 'ok' | 'down';
  kv: 'ok' | 'down';
  migrations: string | null;
  outbox: { pending: number; failed: number } | null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\nparams:')[0]! : String(error);
}

export async function checkHealth(deps: Deps): Promise<HealthReport> {
  const [d1, kv] = await Promise.allSettled([
    Promise.all([latestMigration(deps.db), outboxBacklog(deps)]),
    deps.kv.get(kvKeys.healthProbe),
  ]);
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
  };
}
