// The `limit` query parameter of the paged lists (operators' users and outbox, droplit's users).
import { invalidField } from '../core/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/user-listing';

/** Parses a `limit` query value: absent gives the default, anything but 1..MAX_PAGE_SIZE is a 400. */
export function pageLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidField('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}
