// Bad paths and query strings on every route: each path parameter replaced by something huge,
// broken percent-encoding, encoded slashes and NULs, `;` and unicode; every query key repeated,
// broken or huge, and unknown keys. The answer is handled in the face's error shape, never a 500,
// and a refused request leaves nothing behind.
import { describe, it } from 'vitest';
import { newClient } from '../support/driver';
import { pathProbes, queryProbes } from './probes';
import { ALL_ROUTES } from './routes';
import { sweep } from './sweep';

describe('bad path parameters', () => {
  const routes = ALL_ROUTES.filter((route) => route.params);
  it.each(routes.map((route) => [route.name, route] as const))(
    '%s: handled in its shape, never 500, nothing left behind',
    async (_name, route) => {
      await sweep(newClient(), route, pathProbes(route));
    },
  );
});

describe('bad query strings', () => {
  it.each(ALL_ROUTES.map((route) => [route.name, route] as const))(
    '%s: handled in its shape, never 500, nothing left behind',
    async (_name, route) => {
      await sweep(newClient(), route, queryProbes(route));
    },
  );
});
