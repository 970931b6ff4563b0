// The sweep's reach: every route the app registers (Hono's own list) is swept or excluded with a
// reason, and every written case and exclusion still names a registered route, so a route that is
// added, renamed or removed cannot drift out of the sweep unnoticed.
import { describe, expect, it } from 'vitest';
import { ALL_ROUTES, CASES, EXCLUDED, exclusionOf, keyOf, registeredRoutes } from './routes';

describe('the robustness sweep covers the app', () => {
  const registered = registeredRoutes();
  const swept = new Set(ALL_ROUTES.map(keyOf));

  it('sweeps every registered route, or names why not', () => {
    const neither = registered.filter((key) => !swept.has(key) && exclusionOf(key) === undefined);
    expect(neither, 'registered routes neither swept nor in EXCLUDED (test/robustness/routes.ts)').toEqual([]);
    expect(swept.size).toBeGreaterThan(80);
  });

  it('has no case and no exclusion for a route the app does not register', () => {
    const known = new Set(registered);
    expect(
      CASES.map(keyOf).filter((key) => !known.has(key)),
      'written cases of no registered route',
    ).toEqual([]);
    const methods = new Set(registered.map((key) => key.split(' ')[0]));
    const stale = Object.keys(EXCLUDED).filter((key) => (key.endsWith(' *') ? !methods.has(key.split(' ')[0]) : !known.has(key)));
    expect(stale, 'exclusions of no registered route').toEqual([]);
    for (const [key, why] of Object.entries(EXCLUDED)) expect(why.length, `the reason ${key} is not swept`).toBeGreaterThan(20);
  });

  it('sweeps an alias only where the route it aliases is swept', () => {
    const cased = new Set(CASES.filter((route) => !route.sameAs).map(keyOf));
    expect(ALL_ROUTES.filter((route) => route.sameAs && !cased.has(route.sameAs)).map(keyOf)).toEqual([]);
  });

  it('sweeps each route with a request that works, or as registered (printed for the record)', () => {
    const asRegistered = ALL_ROUTES.filter((route) => route.name.endsWith('(as registered)')).map(keyOf);
    console.log(
      `swept: ${swept.size} of ${registered.length} registered routes; written cases: ${CASES.length}; as registered: ${asRegistered.join(', ')}`,
    );
    expect(asRegistered.length).toBeLessThan(swept.size);
  });
});
