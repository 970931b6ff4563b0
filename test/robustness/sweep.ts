// Runs a list of probes (bad requests) against one route: each answer must be handled (< 500, an
// error in the face's shape), probes marked `refused` must get a 4xx (optionally a given status),
// and a refused request must leave every fixture as it was. A probe that succeeds may change
// things, so the world is rebuilt after it.
import { expect } from 'vitest';
import type { Client, RequestOptions } from '../support/driver';
import type { RouteCase } from './routes';
import { expectHandled, expectRefused, faceOf } from './shapes';
import { buildWorld, send, snapshot, type World } from './world';

export interface Probe {
  label: string;
  /** The request; method and path default to the route's own, opts to its credential and body. */
  make: (w: World) => { method?: string; path?: string; opts?: RequestOptions };
  /** Must be refused: true for any 4xx, or the statuses allowed. */
  refused?: true | number[];
}

export const HUGE = 'x'.repeat(10_000);

/** The route's credential as a header (droplit's raw form is tested apart). */
export function credential(route: RouteCase, w: World): Record<string, string> {
  return route.token ? { authorization: `Bearer ${w.tokens[route.token]}` } : {};
}

/** The route's usual request: its credential and its good body. */
export function usual(route: RouteCase, w: World): RequestOptions {
  return { headers: credential(route, w), ...(route.body ? { body: route.body(w) } : {}) };
}

/** `path` with `key=value` pairs added to its query string. */
export function withQuery(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** `probes` may be made from the first world (to learn the types of a good body's fields). */
export async function sweep(
  client: Client,
  route: RouteCase,
  probes: Probe[] | ((w: World) => Probe[]),
  afterProbe?: (status: number, label: string) => void,
): Promise<void> {
  let w = await buildWorld(client);
  let before = await snapshot(client, w);
  for (const probe of typeof probes === 'function' ? probes(w) : probes) {
    const { method = route.method, path = route.path(w), opts = usual(route, w) } = probe.make(w);
    const label = `${route.name} with ${probe.label} (${method} ${path.slice(0, 120)})`;
    const logged = client.logs.length;
    const response = await send(client, method, path, opts);
    const face = faceOf(path);
    if (response.status >= 500) {
      const errors = client.logs.slice(logged).filter((line) => line.level === 'error');
      expect.soft(errors, `${label} -> ${response.status}: the logged cause`).toEqual([]);
    }
    const status = probe.refused
      ? await expectRefused(response, face, label, probe.refused === true ? undefined : probe.refused)
      : await expectHandled(response, face, label);
    afterProbe?.(status, label);
    if (status >= 400) {
      expect.soft(await snapshot(client, w), `${label} -> ${status} must leave nothing behind`).toEqual(before);
    } else {
      w = await buildWorld(client);
      before = await snapshot(client, w);
    }
  }
}
