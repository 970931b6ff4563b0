/// <reference types="vite/client" />
// Every job deferred past the response goes through deps.defer, the one helper that yields to
// the event loop before the job starts (src/worker.ts): no other source file reaches waitUntil,
// whether as `ctx.waitUntil`, Hono's `executionCtx` or a Deps field of that name.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>('../../src/**/*.ts', { query: '?raw', import: 'default', eager: true });
const HELPER = '../../src/worker.ts';

/** The source without its comments, so prose about waitUntil does not count as a call. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('deferred work', () => {
  it('reaches waitUntil only through the one helper in src/worker.ts', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const callers = Object.entries(sources)
      .filter(([path, source]) => path !== HELPER && /waitUntil|executionCtx/.test(code(source)))
      .map(([path]) => path.replace('../../', ''));
    expect(callers).toEqual([]);
  });

  it('has the helper yield to the event loop before the job, and take a job rather than a started promise', () => {
    const helper = code(sources[HELPER]!);
    expect(helper.match(/ctx\.waitUntil\(/g)).toHaveLength(1);
    expect(helper).toMatch(/ctx\.waitUntil\(\s*scheduler\s*\.wait\(0\)\s*\.then\(job\)/);
  });
});
