// zod builders for the fields every face reads the same way, in the words the faces have always
// answered with (`must be a string`, `must be at most 200 characters`, `is missing`), so a schema
// built from them refuses what the hand-written readers it replaced refused, in the same words.
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/user-listing';

/** A string of at most `max` characters; absent or null reads as undefined. */
export function optionalText(max = 1024) {
  return z
    .string({ error: 'must be a string' })
    .max(max, { error: `must be at most ${max} characters` })
    .nullish()
    .transform((value) => value ?? undefined);
}

/** A boolean; absent or null reads as undefined. */
export function optionalFlag() {
  return z
    .boolean({ error: 'must be a boolean' })
    .nullish()
    .transform((value) => value ?? undefined);
}

/** A whole number from `min` to `max`; absent or null reads as undefined. */
export function optionalWholeNumber(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z
    .number({ error })
    .int({ error })
    .min(min, { error })
    .max(max, { error })
    .nullish()
    .transform((value) => value ?? undefined);
}

/** One of `values`, given as a string of at most `max` characters (a role, a status). */
export function optionalChoice<const T extends readonly [string, ...string[]]>(values: T, max = 1024) {
  // One enum (so the document lists the values) with the three words the hand-written check had.
  const error = (issue: { input?: unknown }) => {
    if (typeof issue.input !== 'string') return 'must be a string';
    return issue.input.length > max ? `must be at most ${max} characters` : `must be one of ${values.join(', ')}`;
  };
  return z
    .enum(values, { error })
    .nullish()
    .transform((value) => value ?? undefined);
}

/** One of `values` in the query string (the first value of the name). */
export function queryChoice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` }).optional();
}

/** A time in answers, for the document: ISO 8601 (the faces' `iso()`). */
export const isoTime = () => z.string().meta({ format: 'date-time', example: '2026-01-31T12:00:00.000Z' });

/** A page size given as text (1 to MAX_PAGE_SIZE). */
export function pageLimitValue() {
  const error = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
  return z.string({ error }).regex(/^\d+$/, { error }).transform(Number).pipe(z.number().min(1, { error }).max(MAX_PAGE_SIZE, { error }));
}

/** The `limit` query parameter of the paged lists; absent: the default page size. */
export function pageLimitParam() {
  return pageLimitValue()
    .optional()
    .transform((value) => value ?? DEFAULT_PAGE_SIZE);
}

/**
 * A string that must be present and not empty: absent, null or '' is `is missing`.
 * `max` Infinity: no bound here (the core measures it; the body limit bounds it).
 */
export function requiredText(max = 1024) {
  const text = z.string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be a string') });
  return (Number.isFinite(max) ? text.max(max, { error: `must be at most ${max} characters` }) : text).min(1, { error: 'is missing' });
}

/** One of `values`, required: requiredText's words, then `must be one of ...`. */
export function requiredChoice<const T extends readonly [string, ...string[]]>(values: T, max = 1024) {
  const error = (issue: { input?: unknown }) => {
    const { input } = issue;
    if (input === undefined || input === null || input === '') return 'is missing';
    if (typeof input !== 'string') return 'must be a string';
    return input.length > max ? `must be at most ${max} characters` : `must be one of ${values.join(', ')}`;
  };
  return z.enum(values, { error });
}

/** The optional second-factor field of every password login (the same name on every face). */
export function otpField() {
  return optionalText(64).meta({
    description:
      'A one-time code from the authenticator app (6 digits) or a recovery code. Needed when the account has a second factor: without it the answer names mfa_required.',
    example: '123456',
  });
}
