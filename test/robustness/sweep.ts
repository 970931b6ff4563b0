// Runs a list of probes (bad requests) against one route: each answer must be handled (< 500, an
// error in the face's shape), probes marked `refused` must get a 4xx (optionally a given status),
// and a refused request must leave D1 and KV exactly as they were (every row, every key). A probe
// that changed anything (a success may) has the world put back as it was built for the probes after it.
import { expect } from 'vitest';
import type { Client, RequestOptions } from '../support/driver';
import type { RouteCase } from './routes';
import { expectHandled, expectRefused, faceOf } from './shapes';
import { changesBetween, dropExpiringKeys, restore, snapshot, type Traces } from './traces';
import { buildWorld, send, type World } from './world';

export interface Probe {
  label: string;
  /** The request; method and path default to the route's own, opts to its credential and body. */
  make: (w: World) => { method?: string; path?: string; opts?: RequestOptions };
  /** Must be refused: true for any 4xx, or the statuses allowed. */
  refused?: true | number[];
}

export const HUGE = 'x'.repeat(10_000);

/**
 * A failed sign-in (a 400 or 401 from a login route) counts towards the user's or address's
 * lockout by design, and is recorded as a `signin.failed` event (with its webhook deliveries): those
 * rows are bookkeeping a refusal must write, not a trace it must not leave.
 */
const BOOKKEEPING_TABLES = ['login_failures', 'events', 'webhook_deliveries'];

/** The route's credential as a header (droplit's raw form is tested apart), and its cookie. */
export function credential(route: RouteCase, w: World): Record<string, string> {
  return {
    ...(route.token ? { authorization: `Bearer ${w.tokens[route.token]}` } : {}),
    ...(route.cookie ? { cookie: route.cookie(w) } : {}),
  };
}

/** A route's good body as a request sends it: a form where the route takes only forms, else JSON. */
export function goodBody(route: RouteCase, w: World): Pick<RequestOptions, 'body' | 'form'> {
  if (!route.body) return {};
  return route.formOnly
    ? { form: Object.fromEntries(Object.entries(route.body(w)).map(([name, value]) => [name, String(value)])) }
    : { body: route.body(w) };
}

/** The route's usual request: its credential and its good body. */
export function usual(route: RouteCase, w: World): RequestOptions {
  return { headers: credential(route, w), ...goodBody(route, w) };
}

/** `path` with `key=value` pairs added to its query string. */
export function withQuery(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

let first: Promise<Traces> | undefined;

/**
 * D1 and KV as the file's first sweep found them (what earlier files left, minus keys that expire). The world
 * is built once on top of that, and every sweep starts from there, so the snapshots after each probe read only
 * its own world, not every earlier test's.
 */
function pristine(client: Client): Promise<Traces> {
  // Earlier files of this worker may have left KV keys that expire in the middle of a sweep (a
  // key vanishing is not a probe's trace) and cannot be written back once their time has passed.
  first ??= dropExpiringKeys(client).then(() => snapshot(client));
  return first;
}

interface Base {
  world: World;
  traces: Traces;
}

/** Per configuration (the clients' string vars): one world each. */
const bases = new Map<string, Promise<Base>>();

function configurationOf(client: Client): string {
  return JSON.stringify(
    Object.entries(client.env)
      .filter(([, value]) => typeof value === 'string')
      .sort(),
  );
}

/**
 * The world of the file's sweeps, and D1 and KV as building it left them. Building a world is a
 * dozen requests with password hashing; putting the stores back to this snapshot (and emptying the
 * isolate's caches, which may remember a revocation the stores no longer hold) gives the very same
 * world for a fraction of that, so every sweep (each with a client of its own, for its own rate
 * limits), and every probe after one that changed something, starts from it.
 */
async function baseWorld(client: Client): Promise<Base> {
  const key = configurationOf(client);
  let base = bases.get(key);
  if (!base) {
    base = (async () => {
      await restore(client, await pristine(client));
      const world = await buildWorld(client);
      return { world, traces: await snapshot(client) };
    })();
    bases.set(key, base);
    return base;
  }
  const { world, traces } = await base;
  await restore(client, traces);
  client.resetIsolate();
  return { world, traces };
}

/** `probes` may be made from the first world (to learn the types of a good body's fields). */
export async function sweep(
  client: Client,
  route: RouteCase,
  probes: Probe[] | ((w: World) => Probe[]),
  afterProbe?: (status: number, label: string) => void,
): Promise<void> {
  let { world: w, traces: before } = await baseWorld(client);
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
    const changes = changesBetween(before, await snapshot(client), BOOKKEEPING_TABLES);
    if (status >= 400) expect.soft(changes, `${label} -> ${status} must leave nothing behind`).toEqual({});
    if (Object.keys(changes).length > 0) ({ world: w, traces: before } = await baseWorld(client));
  }
}
