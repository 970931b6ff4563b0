// The gateway (GATEWAY_ROUTES) under the same attacks: broken credentials and tokens of the wrong
// kind or ecosystem, garbage in the path (broken or encoded escapes, encoded slashes, NULs, dot
// segments) and the query, and junk bodies. The gateway answers in the management face's error
// shape, never a 500, and calls the origin only for a request it lets through.
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { newClient } from '../support/driver';
import { authProbes, pathProbes, queryProbes } from './probes';
import type { RouteCase } from './routes';
import { sweep, type Probe } from './sweep';

const ORIGIN = 'https://origin.test';
const GATEWAY_ROUTES = JSON.stringify([
  { prefix: '/app/', origin: ORIGIN },
  { prefix: '/environments/:environmentId/', origin: ORIGIN, require: { environment: ':environmentId' } },
]);

const ROUTES: RouteCase[] = [
  {
    name: 'GET /app/... (any user of the default ecosystem)',
    method: 'GET',
    path: () => '/app/reports?year=2024',
    params: { rest: (_w, v) => `/app/${v}`, nested: (_w, v) => `/app/a/${v}/b` },
    token: 'access',
    accepts: ['access', 'usAccess', 'gkAccess'],
    query: ['year'],
  },
  {
    name: 'POST /environments/:environmentId/... (a granted environment)',
    method: 'POST',
    path: (w) => `/environments/${w.eco.environmentId}/items`,
    params: { environmentId: (_w, v) => `/environments/${v}/items` },
    token: 'app',
    accepts: ['app'],
    body: () => ({ name: 'item' }),
  },
];

const JUNK_BODIES: [string, string][] = [
  ['malformed JSON', '{"name": '],
  ['a JSON array', '[1, 2]'],
  ['a NUL and a lone surrogate', '{"name": "\\u0000\\ud800"}'],
  ['100 KB', `{"name": "${'x'.repeat(100_000)}"}`],
];

function bodyProbes(route: RouteCase): Probe[] {
  return JUNK_BODIES.map(([label, raw]) => ({
    label: `a body of ${label}`,
    make: (w) => {
      const headers = { authorization: `Bearer ${w.tokens[route.token!]}`, 'content-type': 'application/json' };
      return { method: 'POST', opts: { raw, headers } };
    },
  }));
}

/** The origin, injected as the client's fetch. */
let origin: Mock<typeof fetch>;

beforeEach(() => {
  origin = vi.fn<typeof fetch>(async () => new Response('from the origin'));
});

/** After each probe: a refused request never reached the origin. */
function originUntouchedWhenRefused() {
  let calls = origin.mock.calls.length;
  return (status: number, label: string) => {
    if (status >= 400) expect.soft(origin.mock.calls.length, `${label}: the origin must not be called`).toBe(calls);
    calls = origin.mock.calls.length;
  };
}

describe('bad input through the gateway', () => {
  const cases = ROUTES.flatMap((route) =>
    [
      ['credentials', authProbes(route)],
      ['paths', pathProbes(route)],
      ['query strings', queryProbes(route)],
      ['bodies', bodyProbes(route)],
    ].map(([what, probes]) => [`${route.name}: bad ${what as string}`, route, probes as Probe[]] as const),
  );

  it.each(cases)('%s are refused in the management shape, never 500, the origin not called', async (_name, route, probes) => {
    const client = newClient({ vars: { GATEWAY_ROUTES }, fetch: origin });
    await sweep(client, route, probes, originUntouchedWhenRefused());
  });
});
