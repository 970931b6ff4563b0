// A D1 binding that counts what an operation costs the database: round trips (one per statement
// run alone, one per batch), statements, and the rows D1 reports read, written (D1's billing
// figure: a table row and each index entry it touches) and changed (table rows, as SQLite's
// changes() counts them). Drizzle reads RETURNING through raw(), which drops D1's meta, so a write
// run through raw() is run through all() here and handed back as rows of values (a RETURNING of
// one table has no duplicate column names, so the values keep their order).

export interface D1Counts {
  roundTrips: number;
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsChanged: number;
  /** Round trips D1 answered with an error (a batch that failed ran none of its writes). */
  failedRoundTrips: number;
  /** The SQL of each statement, in order. */
  sql: string[];
}

export const noCounts = (): D1Counts => ({
  roundTrips: 0,
  statements: 0,
  rowsRead: 0,
  rowsWritten: 0,
  rowsChanged: 0,
  failedRoundTrips: 0,
  sql: [],
});

/** `answer`, counting it in `counts.failedRoundTrips` if it fails. */
async function noteFailure<T>(counts: D1Counts, answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    counts.failedRoundTrips += 1;
    throw error;
  }
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
/** The SQL of each statement this wrapper prepared, for batches (which take the statements, not their text). */
const sqlOf = new WeakMap<object, string>();

function record(counts: D1Counts, result: unknown): void {
  const meta = (result as D1Result | undefined)?.meta;
  counts.rowsRead += meta?.rows_read ?? 0;
  counts.rowsWritten += meta?.rows_written ?? 0;
  counts.rowsChanged += meta?.changes ?? 0;
}

function countingStatement(statement: D1PreparedStatement, sql: string, counts: D1Counts): D1PreparedStatement {
  const counted = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'bind') return (...args: unknown[]) => countingStatement(target.bind(...args), sql, counts);
      if (property === 'run' || property === 'all') {
        return async () => {
          counts.roundTrips += 1;
          counts.statements += 1;
          counts.sql.push(sql);
          const result = await noteFailure(counts, (value as () => Promise<D1Result>).call(target));
          record(counts, result);
          return result;
        };
      }
      if (property === 'raw' || property === 'first') {
        return async (...args: unknown[]) => {
          counts.roundTrips += 1;
          counts.statements += 1;
          counts.sql.push(sql);
          if (property === 'raw' && WRITE.test(sql) && args.length === 0) {
            const result = await noteFailure(counts, target.all<Record<string, unknown>>());
            record(counts, result);
            return result.results.map((row) => Object.values(row));
          }
          return noteFailure(counts, (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  sqlOf.set(counted, sql);
  return counted;
}

/** Wraps `db` so every call through it adds to `counts`. */
export function countingD1(db: D1Database, counts: D1Counts): D1Database {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'prepare') return (sql: string) => countingStatement(target.prepare(sql), sql, counts);
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          counts.roundTrips += 1;
          counts.statements += statements.length;
          for (const statement of statements) counts.sql.push(sqlOf.get(statement) ?? '?');
          const results = await noteFailure(counts, target.batch(statements));
          for (const result of results) record(counts, result);
          return results;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
