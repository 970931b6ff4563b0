// Drives an interleaving deterministically: a D1 binding that runs a hook once, just before the
// first statement matching a pattern executes, so a test can land a change (through another
// client's HTTP routes) in the middle of a request.
import type { Env } from '../../src/config';

/**
 * A D1 binding that runs `hook` once, before the first statement matching `pattern` executes (alone,
 * or in a batch: then before the whole batch, which D1 runs as one transaction).
 */
export function interleave(pattern: RegExp) {
  const state: { hook?: () => Promise<void>; ran: boolean } = { ran: false };
  const gate = async () => {
    const hook = state.hook;
    if (!hook) return;
    state.hook = undefined;
    await hook();
    state.ran = true;
  };
  const matched = new WeakSet<object>();
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'bind')
          return (...args: unknown[]) => wrapStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (['all', 'run', 'raw', 'first'].includes(property as string)) {
          return async (...args: unknown[]) => {
            await gate();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    matched.add(wrapped);
    return wrapped;
  };
  const wrapEnv = (env: Env): Env => ({
    ...env,
    DB: new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property === 'prepare') {
          return (query: string) => {
            const statement = target.prepare(query);
            return state.hook && pattern.test(query) ? wrapStatement(statement) : statement;
          };
        }
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (statements.some((statement) => matched.has(statement))) await gate();
            return target.batch(statements);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }),
  });
  return { state, wrapEnv };
}
