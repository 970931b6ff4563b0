/// <reference types="vite/client" />
// The layers, checked on the source: the core (src/core) builds no SQL and knows no HTTP. It
// reaches D1 only through the repositories of src/store (which return statements or run reads),
// never through drizzle-orm or the schema, and its errors name fields, never where a request
// held them.
import { describe, expect, it } from 'vitest';

const core = import.meta.glob<string>('../../src/core/*.ts', { query: '?raw', import: 'default', eager: true });
const config = import.meta.glob<string>('../../src/config.ts', { query: '?raw', import: 'default', eager: true });

/** The module specifiers a source file imports or re-exports. */
function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const bare = [...source.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const dynamic = [...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return [...specifiers, ...bare, ...dynamic];
}

function offenders(files: Record<string, string>, refused: (specifier: string) => boolean): string[] {
  return Object.entries(files).flatMap(([path, source]) =>
    importsOf(source)
      .filter(refused)
      .map((specifier) => `${path.replace('../../', '')} imports ${specifier}`),
  );
}

describe('the layers', () => {
  it('reads the core sources', () => {
    expect(Object.keys(core).length).toBeGreaterThan(20);
    expect(importsOf(core['../../src/core/sessions.ts']!)).toContain('../store/session-repo');
  });

  it('keeps drizzle-orm and the schema out of the core', () => {
    const refused = (specifier: string) => /^drizzle-orm(\/|$)/.test(specifier) || /(^|\/)store\/schema(\.ts)?$/.test(specifier);
    expect(offenders(core, refused)).toEqual([]);
  });

  it('keeps Hono and jose out of the core', () => {
    const refused = (specifier: string) => /^(hono|jose)(\/|$)/.test(specifier);
    expect(offenders(core, refused)).toEqual([]);
  });

  it('keeps request locations out of core errors', () => {
    const located = Object.entries(core)
      .filter(([, source]) => /\bin\??:\s*'(body|query|path|header)'|invalidField\([^)]*'(body|query|path|header)'\s*\)/.test(source))
      .map(([path]) => path);
    expect(located).toEqual([]);
  });

  it('keeps the configuration from importing a face or the gateway', () => {
    const refused = (specifier: string) => /(^|\/)(faces|gateway)\//.test(specifier) && !/gateway\/config|config\//.test(specifier);
    expect(offenders(config, refused)).toEqual([]);
  });
});
