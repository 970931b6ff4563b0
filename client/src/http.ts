// The typed transport under the conveniences: openapi-fetch over the `paths` generated from
// client/openapi.json, with every failure turned into one GatehouseError.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { GatehouseError, type GatehouseRequest } from './errors.ts';
import type { components, paths } from './openapi.js';

export type Schemas = components['schemas'];

/** The JSON body a route takes, as the generated document describes it. */
export type JsonBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The query parameters a route reads, as the generated document describes them. */
export type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

/** A number as a query string value (the document types every query value as a string). */
export function queryNumber(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** What the client needs of fetch: a Worker's global fetch, a service binding's, Node 18's. */
export type FetchLike = (request: Request) => Promise<Response>;

export type ApiClient = Client<paths>;

/** The call each answer came from, so an error can name it. */
const callOf = new WeakMap<Response, GatehouseRequest>();

/**
 * Remembers each answer's call; and a success whose body is not JSON where JSON was expected (not a
 * Gatehouse at this URL: a proxy's page, a parked domain) becomes a GatehouseError `NOT_JSON`
 * naming the call, not a SyntaxError from deep inside the parse.
 */
const namedCalls: Middleware = {
  async onResponse({ request, response, options }) {
    const call = { method: request.method, path: new URL(request.url).pathname };
    callOf.set(response, call);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.status === 204 || options.parseAs !== 'json' || /\bjson\b/i.test(type)) return undefined;
    if ((await response.clone().text()) === '') return undefined;
    throw new GatehouseError(
      response.status,
      'NOT_JSON',
      `${call.method} ${call.path} answered ${response.status} with a body that is not JSON`,
      [],
      undefined,
      call,
    );
  },
};

export function apiClient(baseUrl: string, fetch: FetchLike | undefined): ApiClient {
  // Bound late, so a Worker's global fetch is always called as a plain function.
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), fetch: fetch ?? ((request) => globalThis.fetch(request)) });
  client.use(namedCalls);
  return client;
}

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The success body of an openapi-fetch call, or a GatehouseError built from the error body. */
export async function unwrap<R extends Result>(call: Promise<R>): Promise<Exclude<R['data'], undefined>> {
  const { data, error, response } = await call;
  if (!response.ok) throw GatehouseError.fromResponse(response.status, error, callOf.get(response));
  return data as Exclude<R['data'], undefined>;
}

/** Throws before any request when the token a route needs was not given to the client. */
export function required(token: string | undefined, which: string): string {
  if (!token) throw new GatehouseError(0, 'NO_TOKEN', `this call needs ${which} in createGatehouse()`);
  return token;
}

/** Pages of a `{items, next}` listing, following `next` until it is null. */
export async function* pages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>) {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page.items;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}
