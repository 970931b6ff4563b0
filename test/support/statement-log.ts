// A D1 binding that records every statement run (its SQL) and which ran before the Worker had
// answered: for showing that deferred work starts only after the response, and that two requests
// did the same D1 work before their answers.
import type { Env } from '../../src/config';
import { countingD1, noCounts } from './counting-d1';

/** The D1 work of one request before its answer. */
export interface WorkBeforeAnswer {
  /** The SQL of each statement run (a batch's statements each), in order. */
  sql: string[];
  roundTrips: number;
  /** Round trips D1 answered with an error (a batch that failed wrote none of its statements). */
  failedRoundTrips: number;
}

export function statementLog() {
  const counts = noCounts();
  /** What had run when the Worker answered; null while it has not. */
  let answered: { statements: number; roundTrips: number; failedRoundTrips: number } | null = null;
  const snapshot = () => ({ statements: counts.sql.length, roundTrips: counts.roundTrips, failedRoundTrips: counts.failedRoundTrips });
  return {
    wrapEnv: (env: Env): Env => ({ ...env, DB: countingD1(env.DB, counts) }),
    onAnswer: () => {
      answered ??= snapshot();
    },
    /** Starts recording one request: what comes before the answer is marked so. */
    begin(): void {
      Object.assign(counts, noCounts());
      answered = null;
    },
    /** The SQL of the statements run before the answer. */
    beforeAnswer: (): string[] => counts.sql.slice(0, (answered ?? snapshot()).statements),
    /** The SQL of the statements run after the answer (the deferred work), so far. */
    afterAnswer: (): string[] => counts.sql.slice((answered ?? snapshot()).statements),
    /** The statements, round trips and failed round trips before the answer. */
    workBeforeAnswer(): WorkBeforeAnswer {
      const at = answered ?? snapshot();
      return { sql: counts.sql.slice(0, at.statements), roundTrips: at.roundTrips, failedRoundTrips: at.failedRoundTrips };
    },
  };
}
