// The droplit requests as zod schemas (validated by src/http/validate.ts, every problem reported
// at once as droplit's validator did, in its words) and the answers (for /openapi.json only); the
// error body is the face's record's (face.ts). Unknown query or body names are refused (strict objects).
import { z } from 'zod';
import { MAX_GRANTS_PER_USER, MAX_USER_TOKEN_TTL_SECONDS } from '../../core/external-users';
import { DEFAULT_USER_TOKEN_TTL_SECONDS, EXPIRY_TYPES } from '../../core/user-tokens';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import { isoTime, pageLimitValue } from '../../http/fields';
import { errorResponses } from '../../openapi/describe';
import { droplit } from './face';
import { InvalidParams, type DroplitIssue } from './errors';

const MAX_UNIQUE_ID_LENGTH = 256;
const MAX_ECOSYSTEM_ID_LENGTH = 64;
const MAX_ENVIRONMENT_ID_LENGTH = 64;
const MAX_ACCESS_LEVEL_LENGTH = 64;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const MESSAGES = {
  number: 'expected field to be a number',
  expiryType: `field must be one of the following values: ${EXPIRY_TYPES.join(', ')}`,
  boolean: 'expected field to be a boolean',
  string: 'expected field to be a string',
  object: 'expected field to be an object',
};

export const droplitErrors = (statuses: Record<number, string>) =>
  errorResponses(droplit.errorBody!.name, { 401: 'No account or server token, or another kind of token', ...statuses });

function fail(issue: DroplitIssue): never {
  throw new InvalidParams([issue]);
}

/**
 * The `ECOSYSTEM-ID;USER-ID` segment (already percent-decoded), split on its first `;`. Not a
 * field-by-field schema: a bad ecosystem part is the only problem reported, as droplit did, so
 * the transform throws droplit's error itself.
 */
export function parseUserRef(segment: string): { ecosystemId: string; uniqueId: string } {
  const split = segment.indexOf(';');
  const ecosystemId = split < 0 ? '' : segment.slice(0, split);
  const uniqueId = split < 0 ? '' : segment.slice(split + 1);
  if (ecosystemId === '' || ecosystemId.length > MAX_ECOSYSTEM_ID_LENGTH || CONTROL_CHARACTERS.test(ecosystemId)) {
    fail({ in: 'path', path: 'ecosystemId', message: 'expected the path to name ECOSYSTEM-ID;USER-ID' });
  }
  if (uniqueId === '' || uniqueId.length > MAX_UNIQUE_ID_LENGTH || CONTROL_CHARACTERS.test(uniqueId)) {
    fail({ in: 'path', path: 'userId', message: `User Invalid: expected a user id of 1 to ${MAX_UNIQUE_ID_LENGTH} characters` });
  }
  return { ecosystemId, uniqueId };
}

export const UserParam = z.object({
  user: z
    .string()
    .transform(parseUserRef)
    .meta({ description: '`ECOSYSTEM-ID;USER-ID`, the user id percent-encoded.', example: 'my-app;auth0%7C5f3c1a' }),
});

const expiryType = z
  .enum(EXPIRY_TYPES, { error: MESSAGES.expiryType })
  .default('FixedTtl')
  .meta({ description: '`FixedTtl` (default), `SlidingTtl` (lives `ttl` past its last use) or `Infinite`.' });

// Tokens live whole seconds (JWT times are seconds): a fraction rounds up.
const ttl = z
  .string({ error: MESSAGES.number })
  .regex(/^\d+(\.\d+)?$/, { error: MESSAGES.number })
  .transform(Number)
  .pipe(
    z
      .number()
      .positive({ error: MESSAGES.number })
      .max(MAX_USER_TOKEN_TTL_SECONDS, { error: `expected field to be a number of seconds up to ${MAX_USER_TOKEN_TTL_SECONDS}` }),
  )
  .optional()
  .transform((seconds) => (seconds === undefined ? DEFAULT_USER_TOKEN_TTL_SECONDS : Math.ceil(seconds)))
  .meta({ description: `Seconds, default ${DEFAULT_USER_TOKEN_TTL_SECONDS}.`, example: '900' });

/** A route that takes no query string. */
export const NoQuery = z.strictObject({});

/** POST .../tokens. */
export const TokenQuery = z.strictObject({ expiryType, ttl });

/** PUT: the token fields plus `generateToken`. */
export const PutQuery = z.strictObject({
  generateToken: z
    .enum(['true', 'false'], { error: MESSAGES.boolean })
    .optional()
    .transform((flag) => flag === 'true')
    .meta({ description: 'Answer with a token instead of the user.' }),
  expiryType,
  ttl,
});

/** GET /users. */
export const ListQuery = z.strictObject({
  ecosystemId: z.string({ error: (issue) => (issue.input === undefined ? 'field is required' : MESSAGES.string) }),
  limit: z.string({ error: MESSAGES.number }).pipe(pageLimitValue()).optional(),
  cursor: z.string({ error: MESSAGES.string }).optional(),
});

const boundedString = (min: number, max: number) => {
  const error = `expected field to be a string of ${min === 0 ? 'at most' : `${min} to`} ${max} characters`;
  return z.string({ error }).min(min, { error }).max(max, { error });
};

const Grant = z.strictObject(
  {
    environmentId: boundedString(1, MAX_ENVIRONMENT_ID_LENGTH),
    accessLevel: boundedString(1, MAX_ACCESS_LEVEL_LENGTH).default('all'),
  },
  { error: MESSAGES.object },
);

/** The body of a user PUT: `email` (null clears it), `meta` (an object), `access` (grants). */
const tooManyGrants = `expected field to be an array of at most ${MAX_GRANTS_PER_USER} grants`;
export const UserChanges = z.strictObject({
  email: boundedString(0, EMAIL_MAX_LENGTH).nullish(),
  meta: z.record(z.string(), z.unknown(), { error: MESSAGES.object }).optional(),
  access: z.array(Grant, { error: tooManyGrants }).max(MAX_GRANTS_PER_USER, { error: tooManyGrants }).optional(),
});

/** The README's example body. */
export const USER_CHANGES_EXAMPLE = { email: 'ada@example.com', meta: { plan: 'pro' }, access: [{ environmentId: 'ENVIRONMENT-ID' }] };

const time = isoTime();

export const DroplitUser = z
  .object({
    id: z.string().meta({ description: 'The literal `ECOSYSTEM-ID;USER-ID`.' }),
    ecosystemId: z.string(),
    uniqueId: z.string(),
    meta: z.record(z.string(), z.unknown()),
    email: z.string().nullable(),
    createdAt: time,
    access: z.array(z.object({ environmentId: z.string(), accessLevel: z.string() })),
  })
  .meta({ id: 'DroplitUser' });
export const UserToken = z.object({ token: z.string().meta({ description: 'A signed JWT for the user.' }) }).meta({ id: 'UserToken' });
export const UserPage = z.object({ items: z.array(DroplitUser), next: z.string().nullable() });
