// A D1 binding that records every statement prepared (its SQL) and whether the Worker had already
// answered when it was: for showing that deferred work starts only after the response.
import type { Env } from '../../src/config';

export interface LoggedStatement {
  sql: string;
  afterAnswer: boolean;
}

export function statementLog() {
  const statements: LoggedStatement[] = [];
  let answered = true;
  const wrapDb = (real: D1Database): D1Database =>
    new Proxy(real, {
      get(target, property) {
        if (property === 'prepare') {
          return (sql: string) => {
            statements.push({ sql, afterAnswer: answered });
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    statements,
    wrapEnv: (env: Env): Env => ({ ...env, DB: wrapDb(env.DB) }),
    onAnswer: () => {
      answered = true;
    },
    /** Starts recording one request: what comes before the answer is marked so. */
    begin(): void {
      statements.length = 0;
      answered = false;
    },
    /** The SQL of the statements prepared before the answer. */
    beforeAnswer: (): string[] => statements.filter((s) => !s.afterAnswer).map((s) => s.sql),
  };
}
