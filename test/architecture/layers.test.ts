/// <reference types="vite/client" />
// The layers, checked on the source. Every arrow runs down, and no module reaches back to one that
// reaches it:
//
//   app (app.ts, worker.ts, startup.ts) ─▶ faces/index.ts (the records) ─▶ faces/<face>
//   faces/<face> ─▶ web, openapi (describe), http, core, config
//   gateway ─▶ web, http, core, config
//   web (the browser kit) ─▶ http, core, config, crypto
//   http ─▶ core, config          core ─▶ store, crypto, config          config ─▶ crypto
//
// A face imports no other face, no store and no crypto (the core is its way there); the gateway and
// the configuration import no face. The core builds no SQL and knows no HTTP: it reaches D1 only
// through the repositories of src/store (which return statements or run reads), never through
// drizzle-orm or the schema, and its errors name fields, never where a request held them.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>('../../src/**/*.ts', { query: '?raw', import: 'default', eager: true });
const under = (prefix: string) => Object.fromEntries(Object.entries(sources).filter(([path]) => path.startsWith(`../../src/${prefix}`)));
const core = under('core/');
const config = { ...under('config.ts'), ...under('config/') };
const faces = under('faces/');
const gateway = under('gateway/');

type Layer = 'crypto' | 'store' | 'config' | 'core' | 'http' | 'openapi' | 'web' | 'gateway' | 'face' | 'faces' | 'app';

/** The layer a source file is in (`face` for a file inside one face's folder). */
function layerOf(path: string): Layer {
  const inside = path.replace('../../src/', '');
  if (/^faces\/[^/]+\//.test(inside)) return 'face';
  if (inside === 'faces/index.ts') return 'faces';
  if (inside === 'config.ts' || inside.startsWith('config/')) return 'config';
  const top = inside.split('/')[0]!;
  return (['crypto', 'store', 'core', 'http', 'openapi', 'web', 'gateway'] as const).find((layer) => layer === top) ?? 'app';
}

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  crypto: [],
  store: [],
  config: ['crypto'],
  core: ['store', 'crypto', 'config'],
  http: ['core', 'config'],
  openapi: ['http', 'crypto'],
  web: ['http', 'core', 'config', 'crypto'],
  gateway: ['web', 'http', 'core', 'config'],
  face: ['web', 'openapi', 'http', 'core', 'config'],
  faces: ['face', 'http'],
  app: ['crypto', 'store', 'config', 'core', 'http', 'openapi', 'web', 'gateway', 'face', 'faces'],
};

/** The source file a relative specifier names, or null (a package, or a file that is not TypeScript). */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const parts = from.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  const path = parts.join('/');
  return [path, `${path}.ts`, `${path}/index.ts`].find((candidate) => candidate in sources) ?? null;
}

/** Each source file's imports of other source files. */
function graph(): Map<string, string[]> {
  return new Map(
    Object.entries(sources).map(([path, source]) => [path, importsOf(source).flatMap((specifier) => resolve(path, specifier) ?? [])]),
  );
}

/** Groups of files that import each other, directly or around a circle (Tarjan's strongly connected components). */
function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.map((path) => path.replace('../../', '')).sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

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
    expect(Object.keys(config).length).toBeGreaterThan(1);
    const refused = (specifier: string) => /(^|\/)(faces|gateway|web)(\/|$)/.test(specifier);
    expect(offenders(config, refused)).toEqual([]);
  });

  it('keeps store and crypto out of the faces: they reach both through the core', () => {
    const refused = (specifier: string) => /(^|\/)(store|crypto)\//.test(specifier) || /^(drizzle-orm|jose)(\/|$)/.test(specifier);
    expect(offenders(faces, refused)).toEqual([]);
  });

  it('keeps each face from importing another', () => {
    const crossing = Object.entries(faces)
      .filter(([path]) => layerOf(path) === 'face')
      .flatMap(([path, source]) => {
        const own = path.split('/')[4];
        return importsOf(source)
          .map((specifier) => resolve(path, specifier))
          .filter((target): target is string => target !== null && target.startsWith('../../src/faces/') && target.split('/')[4] !== own)
          .map((target) => `${path.replace('../../', '')} imports ${target.replace('../../', '')}`);
      });
    expect(crossing).toEqual([]);
  });

  it('keeps the gateway from importing a face, store or crypto', () => {
    const refused = (specifier: string) =>
      /(^|\/)(faces|store|crypto)(\/|$)/.test(specifier) || /^(drizzle-orm|jose)(\/|$)/.test(specifier);
    expect(Object.keys(gateway).length).toBeGreaterThan(2);
    expect(offenders(gateway, refused)).toEqual([]);
  });

  it('runs every import of every layer down, never up', () => {
    const upward = [...graph()].flatMap(([path, targets]) => {
      const from = layerOf(path);
      return targets
        .filter((target) => layerOf(target) !== from && !MAY_IMPORT[from].includes(layerOf(target)))
        .map((target) => `${path.replace('../../', '')} (${from}) imports ${target.replace('../../', '')} (${layerOf(target)})`);
    });
    expect(upward).toEqual([]);
  });

  it('has no circle of imports', () => {
    expect(graph().get('../../src/core/deps.ts')).toContain('../../src/core/edge-state.ts');
    expect(cycles(graph())).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c']]);
  });
});
