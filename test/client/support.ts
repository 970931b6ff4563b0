// The typed client pointed at a test client's Worker: every request goes through `fetch`, which
// also records the URLs it was asked for.
import { createGatehouse, type GatehouseOptions } from '../../client/src/index.ts';
import type { Client } from '../support/driver';

export const BASE_URL = 'https://gatehouse.test';

export function gatehouseFor(client: Client, options: Omit<GatehouseOptions, 'baseUrl' | 'fetch'> = {}) {
  const urls: string[] = [];
  const gatehouse = createGatehouse({
    baseUrl: BASE_URL,
    ...options,
    fetch: (request) => {
      urls.push(request.url);
      return client.fetch(request);
    },
  });
  return { gatehouse, urls };
}

/** Every page of an async iterator of pages, flattened. */
export async function all<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    items.push(...page);
    count += 1;
  }
  return { items, pages: count };
}
