// Filling a client's per-minute budget with the real rate-limiting binding. The binding counts in
// wall-clock minutes, so a run that straddles a minute's end gets up to twice the budget before
// the first 429: asserting "exactly the 31st is refused" failed whenever a slow run crossed one.
import { expect } from 'vitest';

/**
 * Sends until the limiter answers 429 and returns that answer. Every answer before it must have
 * `expected` status, and there must be at least `budget` of them (and at most twice as many).
 */
export async function untilLimited(send: () => Promise<Response>, expected: number, budget = 30): Promise<Response> {
  for (let sent = 0; sent <= 2 * budget; sent++) {
    const response = await send();
    if (response.status === 429) {
      expect(sent, 'refused before the budget was spent').toBeGreaterThanOrEqual(budget);
      return response;
    }
    expect(response.status, await response.clone().text()).toBe(expected);
  }
  throw new Error(`no 429 after ${2 * budget + 1} requests`);
}
