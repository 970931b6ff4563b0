// Reading the event stream in tests: one user's events, or every event there is (paged to the end).
import { expect } from 'vitest';
import { json, type Client } from '../support/driver';

export interface Event {
  id: string;
  type: string;
  at: string;
  ecosystemId: string | null;
  userId?: string;
  actor: { type: string; id?: string };
  requestId: string;
  ip?: string;
  userAgent?: string;
  details: Record<string, unknown>;
}

export async function userEvents(client: Client, userId: string): Promise<Event[]> {
  const response = await client.admin('GET', `/admin/v1/users/${userId}/events?limit=100`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await json(response)).items;
}

export const typesOf = (events: Event[]) => events.map((event) => event.type);

/** Every event matching `query`, newest first, through every page. */
export async function allEvents(client: Client, query = ''): Promise<Event[]> {
  const events: Event[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Event[]; nextCursor: string | null } = await json(
      await client.admin('GET', `/admin/v1/events?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    );
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

/** How many of the events are of this type. */
export const countOf = (events: Event[], type: string) => events.filter((event) => event.type === type).length;
