// Bindings that count what a request asks of them: D1 round trips (a statement run alone, or one
// batch), statements, and rows written (as D1 reports them, which is what it bills); and KV calls.
// Wrapped around the real local D1 and KV, so the request runs exactly as it would unwrapped.
import type { Env } from '../../src/config';

export interface Counts {
  d1RoundTrips: number;
  d1Statements: number;
  d1RowsWritten: number;
  /** The SQL of every statement, in order (for a failing assertion's message). */
  sql: string[];
  kvCalls: number;
  kvOps: string[];
}

function emptyCounts(): Counts {
  return { d1RoundTrips: 0, d1Statements: 0, d1RowsWritten: 0, sql: [], kvCalls: 0, kvOps: [] };
}

type Meta = { meta?: { changes?: number } };
/** Rows a statement inserted, updated or deleted (D1's `changes`; index entries not counted). */
const rowsChanged = (result: unknown): number => (result as Meta | null)?.meta?.changes ?? 0;
const WRITE = /^\s*(insert|update|delete)\b/i;

export function counting() {
  let counts = emptyCounts();
  const queries = new WeakMap<object, string>();

  const wrapStatement = (statement: D1PreparedStatement, query: string): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'bind') return (...args: unknown[]) => wrapStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args), query);
        if (['all', 'run', 'raw', 'first'].includes(property as string)) {
          return async (...args: unknown[]) => {
            counts.d1RoundTrips += 1;
            counts.d1Statements += 1;
            counts.sql.push(query);
            const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
            if (property === 'all' || property === 'run') counts.d1RowsWritten += rowsChanged(result);
            // `raw` gives no meta; drizzle uses it for RETURNING, which returns one row per row changed.
            else if (property === 'raw' && WRITE.test(query)) counts.d1RowsWritten += (result as unknown[]).length;
            else if (WRITE.test(query)) throw new Error(`counting: cannot count the rows of ${String(property)}() on a write`);
            return result;
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    queries.set(wrapped, query);
    return wrapped;
  };

  const wrapEnv = (env: Env): Env => ({
    ...env,
    DB: new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property === 'prepare') return (query: string) => wrapStatement(target.prepare(query), query);
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            counts.d1RoundTrips += 1;
            counts.d1Statements += statements.length;
            counts.sql.push(...statements.map((statement) => queries.get(statement) ?? '?'));
            const results = await target.batch(statements);
            for (const result of results) counts.d1RowsWritten += rowsChanged(result);
            return results;
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }),
    TOKENS: new Proxy(env.TOKENS, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          counts.kvCalls += 1;
          counts.kvOps.push(`${String(property)} ${String(args[0])}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
  });

  return {
    wrapEnv,
    /** What was counted since the last call, and a fresh count from now on. */
    take(): Counts {
      const taken = counts;
      counts = emptyCounts();
      return taken;
    },
  };
}
