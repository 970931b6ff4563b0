// Gateway scenarios: a client configured with routes, a stub origin that records what it
// received (the gateway's clients get it as their injected fetch, as a deployment gets the global
// one), and callers with real tokens: OAuth logins and droplit user tokens.
import { expect } from 'vitest';
import { readConfig } from '../../src/config';
import type { Deps } from '../../src/core/deps';
import { EdgeState } from '../../src/core/edge-state';
import { keyRing } from '../../src/crypto/keys';
import { openDb } from '../../src/store/db';
import { createUser, logIn, type TestUser } from '../support/accounts';
import { json, newClient, uniqueEmail, type Client, type ClientOptions } from '../support/driver';

export const ORIGIN = 'https://origin.test';

export interface OriginCall {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

const unreachable: typeof fetch = () => Promise.reject(new TypeError('no origin stubbed'));

/** Where the gateway clients' fetch goes: the origin the test stubbed last (none: unreachable). */
let origin: typeof fetch = unreachable;

/** Forgets the stubbed origin (after each test), so the next test reaches none until it stubs one. */
export function resetOrigin(): void {
  origin = unreachable;
}

/** Makes the origin the gateway clients reach one that records each request and answers with `respond`. */
export function stubOrigin(respond: (request: Request) => Response | Promise<Response> = () => new Response('from the origin')) {
  const calls: OriginCall[] = [];
  origin = async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    const body = await request.clone().text();
    calls.push({ method: request.method, url: request.url, headers: request.headers, body });
    return respond(request);
  };
  return { calls };
}

export interface RouteConfig {
  prefix: string;
  origin?: string;
  require?: Record<string, unknown>;
  ecosystem?: string;
  strict?: boolean;
  login?: boolean;
  mfa?: boolean;
}

export function gatewayClient(routes: RouteConfig[], options: ClientOptions = {}): Client {
  const withOrigins = routes.map((route) => ({ origin: ORIGIN, ...route }));
  const outbound = options.fetch ?? ((input, init) => origin(input, init));
  return newClient({ ...options, fetch: outbound, vars: { ...options.vars, GATEWAY_ROUTES: JSON.stringify(withOrigins) } });
}

/** Core dependencies on the client's bindings and clock, for what no route does: signing a token
 * with the service's key for another audience, or revoking in D1 behind the edge's back. */
export async function coreDeps(client: Client): Promise<Deps> {
  const config = readConfig(client.env);
  return {
    db: openDb(client.env.DB),
    kv: client.env.TOKENS,
    config,
    keys: await keyRing(config.signingKeys),
    edge: new EdgeState(),
    now: client.clock.now,
    issuer: 'https://gatehouse.test',
    publicUrl: 'https://gatehouse.test',
    clientAddress: 'unknown',
    requestId: crypto.randomUUID(),
    actor: { kind: 'anonymous' },
    defer: () => {},
    fetch: () => Promise.reject(new Error('no outbound HTTP in these tests')),
    log: { info: () => {}, error: () => {} },
  };
}

export interface SignedInUser extends TestUser {
  accessToken: string;
}

/** A user of the default ecosystem made through the operator route, logged in through OAuth. */
export async function signedInUser(client: Client, fields: Record<string, unknown> = {}): Promise<SignedInUser> {
  const user = await createUser(client, fields);
  return { ...user, accessToken: (await logIn(client, user)).access_token };
}

/** An ecosystem with two environments, made through the operator routes. */
export async function ecosystemWithEnvironments(client: Client): Promise<{ id: string; environments: [string, string] }> {
  const ecosystem = await json(await client.admin('POST', '/admin/v1/ecosystems', { body: { name: 'acme' } }));
  const environments: string[] = [];
  for (const name of ['prod', 'staging']) {
    const response = await client.admin('POST', `/admin/v1/ecosystems/${ecosystem.id}/environments`, { body: { name } });
    expect(response.status).toBe(201);
    environments.push((await json(response)).id);
  }
  return { id: ecosystem.id, environments: environments as [string, string] };
}

/** An application user made through the droplit face with access to the environments; its path. */
export async function appUser(client: Client, ecosystemId: string, environmentIds: string[] = []): Promise<string> {
  const path = `/api/users/${ecosystemId};app-${crypto.randomUUID().slice(0, 8)}`;
  const access = environmentIds.map((environmentId) => ({ environmentId, accessLevel: 'all' }));
  const response = await client.admin('PUT', path, { body: { email: uniqueEmail('app'), access } });
  expect(response.status, await response.clone().text()).toBe(201);
  return path;
}

/** A droplit user token for the application user at `userPath`. */
export async function droplitToken(client: Client, userPath: string, expiryType: string, ttlSeconds?: number): Promise<string> {
  const query = `expiryType=${expiryType}${ttlSeconds === undefined ? '' : `&ttl=${ttlSeconds}`}`;
  const response = await client.admin('POST', `${userPath}/tokens?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await json(response)).token;
}
