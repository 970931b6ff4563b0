// What the global setup hands every browser test file: the running Worker and the stub origin.
import { inject } from 'vitest';

export interface GatehouseContext {
  /** The Worker, `http://127.0.0.1:<port>`; also its ISSUER and PUBLIC_URL. */
  url: string;
  /** ACCOUNT_TOKEN: the operator's bearer token for /admin/v1. */
  accountToken: string;
  /** The stub origin (every gateway route and the nginx site forward to it). */
  originUrl: string;
  /** The built Worker's directory (`index.js` and its modules), for a test that starts another one (site-worker.ts). */
  build: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    gatehouse: GatehouseContext;
  }
}

export function gatehouse(): GatehouseContext {
  return inject('gatehouse');
}

/** A call to the operator API (`/admin/v1...`) with the account token; throws on a non-2xx answer. */
export async function admin<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const { url, accountToken } = gatehouse();
  const response = await fetch(`${url}/admin/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${accountToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} /admin/v1${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
