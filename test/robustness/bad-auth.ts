// Bad credentials on every route (a hosted page: bad session cookies, see probes.ts): Authorization headers that are empty, a bare scheme, two
// tokens, broken Basic, 10 KB long, an unsigned JWT; a garbage token cookie; and every valid token
// of the wrong kind (the account token where a user token is expected and back, a droplit user
// token on Gatekeeper and User Service routes, refresh tokens, server tokens), sent as Bearer and
// raw. A route that needs a credential refuses all of these with a 4xx in its shape, and the
// refusal leaves nothing behind; a public route handles them without a 500. The routes are split
// over two test files so that the two halves run side by side.
import { describe, it } from 'vitest';
import { newClient } from '../support/driver';
import { authProbes } from './probes';
import type { RouteCase } from './routes';
import { sweep } from './sweep';

export function badCredentialSweeps(routes: RouteCase[]): void {
  describe('bad credentials on every route', () => {
    it.each(routes.map((route) => [route.name, route] as const))(
      '%s: refused in its shape, never 500, nothing left behind',
      async (_name, route) => {
        await sweep(newClient(), route, authProbes(route));
      },
    );
  });
}
