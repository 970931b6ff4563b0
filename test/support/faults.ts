// Fault injection on the real bindings: wraps the real D1 and KV (never a mock) so that the Nth call
// of a kind fails, either at once ('throw') or after a short wait ('timeout', as a storage call that
// never answers and is given up on). A batch is one D1 call (D1 runs it as one transaction), a
// statement run alone (all, run, raw, first) is one, and every KV operation is one. The same wrapper
// with nothing armed records the calls a flow makes, and whether each came before or after the
// answer, so a test can fail each of them in turn.
import type { Env } from '../../src/config';

export type FaultMode = 'throw' | 'timeout';
export type Binding = 'd1' | 'kv';

export interface Call {
  binding: Binding;
  /** `batch`, `all`, `run`, `raw`, `first`, `exec`; or the KV method (`get`, `put`, ...). */
  op: string;
  /** The SQL (each statement of a batch, joined by ` ; `), or the KV key's prefix (`epoch`, `rev`, ...). */
  detail: string;
  /** Made after the Worker had answered (deferred work), as the driver's `onAnswer` marks it. */
  afterAnswer: boolean;
  /** The call failed by this wrapper. */
  failed: boolean;
}

export interface Fault {
  binding: Binding;
  /** Which call of that binding (0-based) fails, counting only calls `match` accepts. */
  index: number;
  mode: FaultMode;
  /** Every later matching call fails too: an outage rather than one lost call. */
  sticky?: boolean;
  /** Which calls count (default: all of the binding). */
  match?: (call: Pick<Call, 'op' | 'detail'>) => boolean;
}

/** How long a 'timeout' waits before it gives up: short, so no test waits on it. */
export const TIMEOUT_MS = 15;

const STATEMENT_OPS = ['all', 'run', 'raw', 'first'];
const KV_OPS = ['get', 'getWithMetadata', 'put', 'delete', 'list'];

function faultError(binding: Binding, mode: FaultMode): Error {
  if (binding === 'd1') {
    return new Error(
      mode === 'throw'
        ? 'D1_ERROR: Network connection lost. (injected fault)'
        : 'D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset. (injected fault)',
    );
  }
  return new Error(
    mode === 'throw' ? 'KV operation failed: 500 Internal Server Error (injected fault)' : 'KV operation timed out (injected fault)',
  );
}

export function faults() {
  const calls: Call[] = [];
  let fault: Fault | undefined;
  let seen = 0;
  let answered = false;
  const sqlOf = new WeakMap<object, string>();

  /** Records a call; answers with the error to fail it with, if it is the armed one. */
  function gate(binding: Binding, op: string, detail: string): Promise<void> | undefined {
    const call: Call = { binding, op, detail, afterAnswer: answered, failed: false };
    calls.push(call);
    if (!fault || fault.binding !== binding || !(fault.match?.(call) ?? true)) return undefined;
    const index = seen++;
    if (index !== fault.index && !(fault.sticky && index > fault.index)) return undefined;
    call.failed = true;
    const error = faultError(binding, fault.mode);
    if (fault.mode === 'throw') return Promise.reject(error);
    return new Promise((_, reject) => setTimeout(() => reject(error), TIMEOUT_MS));
  }

  function statement(target: D1PreparedStatement, sql: string): D1PreparedStatement {
    const wrapped = new Proxy(target, {
      get(inner, property) {
        const value = Reflect.get(inner, property, inner) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'bind') return (...args: unknown[]) => statement(inner.bind(...args), sql);
        if (STATEMENT_OPS.includes(property as string)) {
          return (...args: unknown[]) => gate('d1', property as string, sql) ?? (value as (...a: unknown[]) => unknown).apply(inner, args);
        }
        return (value as (...a: unknown[]) => unknown).bind(inner);
      },
    });
    sqlOf.set(wrapped, sql);
    return wrapped;
  }

  function d1(db: D1Database): D1Database {
    return new Proxy(db, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'prepare') return (sql: string) => statement(target.prepare(sql), sql);
        if (property === 'batch') {
          return (statements: D1PreparedStatement[]) =>
            gate('d1', 'batch', statements.map((s) => sqlOf.get(s) ?? '?').join(' ; ')) ?? target.batch(statements);
        }
        if (property === 'exec') return (sql: string) => gate('d1', 'exec', sql) ?? target.exec(sql);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  function kv(namespace: KVNamespace): KVNamespace {
    return new Proxy(namespace, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        if (KV_OPS.includes(property as string)) {
          return (...args: unknown[]) => {
            const key = args[0];
            const detail = typeof key === 'string' ? key.split(':')[0]! : Array.isArray(key) ? 'many' : 'list';
            return gate('kv', property as string, detail) ?? (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }

  return {
    /** For `newClient({ wrapEnv })`. */
    wrapEnv: (env: Env): Env => ({ ...env, DB: d1(env.DB), TOKENS: kv(env.TOKENS) }),
    /** For `newClient({ onAnswer })`: later calls count as deferred work. */
    onAnswer: () => {
      answered = true;
    },
    /** Arms one fault (or none) and forgets the calls recorded so far. */
    arm(next?: Fault) {
      fault = next;
      seen = 0;
      answered = false;
      calls.length = 0;
    },
    calls,
    /** The calls this wrapper failed. */
    failed: () => calls.filter((call) => call.failed),
  };
}

export type Faults = ReturnType<typeof faults>;

/** The indexes to try among `count` calls: every one when `every`, else the first, the middle and the last. */
export function indexesOf(count: number, every = true): number[] {
  if (count === 0) return [];
  if (every) return Array.from({ length: count }, (_, i) => i);
  return [...new Set([0, Math.floor((count - 1) / 2), count - 1])];
}
