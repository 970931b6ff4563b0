// Reading KV through the isolate's cache (edge-state.ts): a value is trusted for
// EDGE_RECHECK_SECONDS, then read again. Apart from EdgeState so that Deps (which holds the state)
// and the state itself do not import each other.
import type { Deps } from './deps';
import type { CachedValue } from './edge-state';

/**
 * A KV value through the isolate's cache, read again once EDGE_RECHECK_SECONDS have passed (or
 * now, with `fresh`); undefined when KV cannot be read (an outage, a timeout): the caller then asks
 * D1, which holds the same facts, or refuses with 503. A failed read is never taken for "no mark".
 */
export async function edgeReadOrUnknown(deps: Deps, key: string, options: { fresh?: boolean } = {}): Promise<CachedValue | undefined> {
  const now = deps.now();
  const cached = options.fresh ? undefined : deps.edge.freshValue(key, now, deps.config.edgeRecheckSeconds * 1000);
  if (cached) return cached;
  try {
    const value = await deps.kv.get(key);
    deps.edge.rememberValue(key, value, now);
    return { value, readAt: now };
  } catch (error) {
    deps.log.error('kv_read_failed', { error: String(error) });
    return undefined;
  }
}
