// A D1 binding that records every statement run (its SQL) and which ran before the Worker had
// answered: for showing that deferred work starts only after the response.
import type { Env } from '../../src/config';
import { countingD1, noCounts } from './counting-d1';

export function statementLog() {
  const counts = noCounts();
  /** How many statements had run when the Worker answered; null while it has not. */
  let answeredAt: number | null = 0;
  return {
    wrapEnv: (env: Env): Env => ({ ...env, DB: countingD1(env.DB, counts) }),
    onAnswer: () => {
      answeredAt ??= counts.sql.length;
    },
    /** Starts recording one request: what comes before the answer is marked so. */
    begin(): void {
      counts.sql.length = 0;
      answeredAt = null;
    },
    /** The SQL of the statements run before the answer. */
    beforeAnswer: (): string[] => counts.sql.slice(0, answeredAt ?? counts.sql.length),
  };
}
