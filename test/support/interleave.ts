// Drives an interleaving deterministically: a D1 binding that runs a hook once, just before the
// first statement matching a pattern executes, so a test can land a change (through another
// client's HTTP routes) in the middle of a request.
import type { Env } from '../../src/config';

/** A D1 binding that runs `hook` once, before the first statement matching `pattern` executes. */
export function interleave(pattern: RegExp) {
  const state: { hook?: () => Promise<void>; ran: boolean } = { ran: false };
  const gate = async () => {
    const hook = state.hook;
    if (!hook) return;
    state.hook = undefined;
    await hook();
    state.ran = true;
  };
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'bind') return (...args: unknown[]) => wrapStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (['all', 'run', 'raw', 'first'].includes(property as string)) {
          return async (...args: unknown[]) => {
            await gate();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
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
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }),
  });
  return { state, wrapEnv };
}

