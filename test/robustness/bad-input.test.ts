// Bad bodies on every route that reads one: malformed JSON, JSON that is not an object, each field
// with every wrong type (and null, and 100 KB), unicode oddities in every string field, nested
// junk. The answer is a 4xx in the face's error shape, never a 500, and a refused request leaves
// nothing behind (no user created, no profile, key, session, token or grant changed).
import { describe, it } from 'vitest';
import { newClient } from '../support/driver';
import { bodyProbes } from './probes';
import { BODY_ROUTES } from './routes';
import { sweep } from './sweep';

describe('bad bodies on every route that reads one', () => {
  it.each(BODY_ROUTES.map((route) => [route.name, route] as const))(
    '%s: 4xx in its shape, never 500, nothing left behind',
    async (_name, route) => {
      await sweep(newClient(), route, (first) => bodyProbes(route, first));
    },
  );
});
