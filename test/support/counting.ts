// Bindings that count what a request asks of them: D1 through countingD1 (round trips, statements,
// rows), and KV calls. Wrapped around the real local D1 and KV, so the request runs exactly as it
// would unwrapped.
import type { Env } from '../../src/config';
import { countingD1, noCounts, type D1Counts } from './counting-d1';

export interface Counts {
  d1RoundTrips: number;
  d1Statements: number;
  /** Table rows inserted, updated or deleted (SQLite's changes(); index entries not counted). */
  d1RowsWritten: number;
  /** The SQL of every statement, in order (for a failing assertion's message). */
  sql: string[];
  kvCalls: number;
  kvOps: string[];
}

export function counting() {
  const d1: D1Counts = noCounts();
  const kvOps: string[] = [];

  const wrapEnv = (env: Env): Env => ({
    ...env,
    DB: countingD1(env.DB, d1),
    TOKENS: new Proxy(env.TOKENS, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          kvOps.push(`${String(property)} ${String(args[0])}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
  });

  return {
    wrapEnv,
    /** What was counted since the last call, and a fresh count from now on. */
    take(): Counts {
      const taken: Counts = {
        d1RoundTrips: d1.roundTrips,
        d1Statements: d1.statements,
        d1RowsWritten: d1.rowsChanged,
        sql: [...d1.sql],
        kvCalls: kvOps.length,
        kvOps: kvOps.splice(0),
      };
      Object.assign(d1, noCounts());
      return taken;
    },
  };
}
