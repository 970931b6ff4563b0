// Helpers for the droplit face's tests: ecosystems, environments and server tokens made through
// the operator routes, user paths, and a KV wrapper that counts writes per key prefix.
import { expect } from 'vitest';
import { json, type Client } from '../support/driver';

export interface TestEcosystem {
  id: string;
  serverToken: string;
}

export async function newEcosystem(client: Client, name = 'app'): Promise<TestEcosystem> {
  const created = await client.admin('POST', '/admin/v1/ecosystems', { body: { name } });
  expect(created.status).toBe(201);
  const { id } = await json(created);
  const issued = await client.admin('POST', `/admin/v1/ecosystems/${id}/server-tokens`, { body: { name: 'backend' } });
  expect(issued.status).toBe(201);
  return { id, serverToken: (await json(issued)).token };
}

export async function newEnvironment(client: Client, ecosystemId: string): Promise<string> {
  const response = await client.admin('POST', `/admin/v1/ecosystems/${ecosystemId}/environments`, { body: { name: 'env' } });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

/** An application's own user id, as an identity provider would give it. */
export function appUserId(): string {
  return `auth0|${crypto.randomUUID().replaceAll('-', '')}`;
}

/** `/api/users/ECOSYSTEM-ID;USER-ID`, the user id percent-encoded as a client would. */
export function userPath(ecosystemId: string, uniqueId: string, rest = ''): string {
  return `/api/users/${ecosystemId};${encodeURIComponent(uniqueId)}${rest}`;
}

/** droplit's header: the raw token, no scheme. */
export function raw(token: string): { headers: Record<string, string> } {
  return { headers: { authorization: token } };
}

/** KV put() calls, per key prefix (the part before the first `:`). */
export class KvWriteCount {
  readonly byPrefix = new Map<string, number>();

  of(prefix: string): number {
    return this.byPrefix.get(prefix) ?? 0;
  }

  record(key: string): void {
    const prefix = key.split(':')[0]!;
    this.byPrefix.set(prefix, this.of(prefix) + 1);
  }
}

/**
 * The real namespace with every put() counted; `fail` makes chosen puts reject as KV does when a
 * key is written too often, without writing.
 */
export function countingKv(kv: KVNamespace, count: KvWriteCount, fail?: (key: string) => boolean): KVNamespace {
  return new Proxy(kv, {
    get(target, property) {
      if (property === 'put') {
        return (key: string, ...rest: unknown[]) => {
          count.record(key);
          if (fail?.(key)) return Promise.reject(new Error('KV PUT failed: 429 Too Many Requests'));
          return (target.put as (...args: unknown[]) => Promise<void>)(key, ...rest);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
