// Outbound HTTP for mail tests: a fake fetch that records every request and answers as told.
import { expect } from 'vitest';
import { json, type Client } from '../support/driver';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

export type Answer = (request: Request) => Response | Promise<Response>;

export const accepted: Answer = () => Response.json({ id: 'accepted' });
export const serverError: Answer = () => new Response('boom', { status: 500 });
/** Never answers; rejects only when the sender's signal aborts (its timeout). */
export const silent: Answer = (request) =>
  new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));

/** A fetch whose answer can be changed between steps; it records every request. */
export function recordingFetch(initial: Answer = accepted) {
  const requests: RecordedRequest[] = [];
  let answer = initial;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push({ url: request.url, method: request.method, headers: request.headers, body: await request.clone().text() });
    return answer(request);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    answerWith(next: Answer) {
      answer = next;
    },
    /** The requests whose JSON body is addressed to `to`. */
    to(to: string): RecordedRequest[] {
      return requests.filter((request) => (JSON.parse(request.body) as { to: unknown }).to === to);
    },
  };
}

/** The outbox row of the one mail queued for `to`, as the operator sees it. */
export async function outboxRow(client: Client, to: string): Promise<Record<string, any>> {
  const response = await client.admin('GET', `/admin/v1/outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  const { items } = await json(response);
  expect(items).toHaveLength(1);
  return items[0];
}
