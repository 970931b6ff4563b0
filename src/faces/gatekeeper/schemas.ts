// The Gatekeeper's requests as zod schemas (validated by src/http/validate.ts, the first problem
// only, as the hand-written checks reported it: `is missing`, `must be a string`, which errors.ts
// turns into `User name is missing`), its answers (for /openapi.json only); its error body is in face.ts.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../config';
import { AppError } from '../../core/errors';
import type { NumberedPage } from '../../core/user-listing';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import { otpField, requiredChoice, requiredText } from '../../http/fields';
import type { ValidateOptions } from '../../http/validate';
import { errorResponses } from '../../openapi/describe';
import { gatekeeper } from './face';
import { USER_TYPES } from './shapes';

const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const USERNAME_MAX_LENGTH = 64;
const PHONE_MAX_LENGTH = 64;
const KEY_MAX_LENGTH = 16_384;
const PASSWORD_FIELD_MAX_LENGTH = passwordFieldMaxLength({ passwordMaxLength: PASSWORD_MAX_LENGTH });
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const gatekeeperErrors = (statuses: Record<number, string>) => errorResponses(gatekeeper.errorBody!.name, statuses);

/** An optional text: absent keeps the stored value, empty or null clears it. */
function clearableText(max: number) {
  return z
    .string({ error: 'must be a string' })
    .max(max, { error: `must be at most ${max} characters` })
    .nullish()
    .transform((value) => (value === '' ? null : value));
}

const password = requiredText(PASSWORD_FIELD_MAX_LENGTH);

/** The body of a registration or a profile update: four required fields, the rest optional. */
export const AccountFields = z
  .object({
    username: requiredText(USERNAME_MAX_LENGTH).regex(USERNAME_PATTERN, {
      error: 'may hold only letters, digits and the characters . _ @ -',
    }),
    password,
    email: requiredText(EMAIL_MAX_LENGTH),
    user_type: requiredChoice(USER_TYPES, 32),
    first_name: clearableText(NAME_MAX_LENGTH),
    last_name: clearableText(NAME_MAX_LENGTH),
    phone_number: clearableText(PHONE_MAX_LENGTH),
    public_key: clearableText(KEY_MAX_LENGTH),
    certificate: clearableText(KEY_MAX_LENGTH),
    /** A profile update's proof: the password the account has now (issue 21); registration ignores it. */
    current_password: requiredText(PASSWORD_FIELD_MAX_LENGTH).optional(),
  })
  .transform((body) => ({
    username: body.username,
    password: body.password,
    email: body.email,
    userType: body.user_type,
    firstName: body.first_name,
    lastName: body.last_name,
    phoneNumber: body.phone_number,
    publicKey: body.public_key,
    certificate: body.certificate,
    currentPassword: body.current_password,
  }));

export const ACCOUNT_EXAMPLE = {
  username: 'ada',
  password: 'analytical engine 1843',
  email: 'ada@example.com',
  user_type: 'developer',
  first_name: 'Ada',
};

// No pattern check here: a name that cannot exist fails like any unknown user.
export const LoginFields = z.object({ username: requiredText(256), password, otp: otpField() });

/**
 * PATCH user-public-key: `public_key` (the original code's name) or, when that is absent or null,
 * `public-key` (its wiki's); both show as `Public key` in a message.
 */
export const PublicKeyFields = z.preprocess(
  (body) => {
    if (typeof body !== 'object' || body === null) return body;
    const { public_key: code, 'public-key': wiki, ...rest } = body as Record<string, unknown>;
    return { ...rest, public_key: code ?? wiki };
  },
  z
    .object({
      public_key: requiredText(KEY_MAX_LENGTH).meta({ description: 'The key or certificate (PEM).' }),
      'public-key': z.string().optional().meta({ description: 'The same, by the wiki’s name (when `public_key` is absent).' }),
      certificate: clearableText(KEY_MAX_LENGTH),
    })
    .transform(({ public_key: publicKey, certificate }) => (certificate === undefined ? { publicKey } : { publicKey, certificate })),
);

/** `offset` is a page number from 0 and `limit` the page size, as in the original; empty is the default. */
function pageNumber(min: number, max: number, fallback: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^(\d{1,9})?$/, { error })
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : Number(value)))
    .pipe(z.number().min(min, { error }).max(max, { error }));
}

export const PageQuery = z
  .object({
    offset: pageNumber(0, 1_000_000, 0).meta({ description: 'The page number, from 0.' }),
    limit: pageNumber(1, 100, 10).meta({ description: 'The page size, default 10.' }),
  })
  .transform(({ offset, limit }): NumberedPage => ({ index: offset, size: limit }));

/** A path id that is not a v4 UUID names no user: 404, as the original answered. */
export const UserIdParam = z.object({
  uuid: z
    .string()
    .regex(UUID_V4, { error: 'is not valid' })
    .transform((id) => id.toLowerCase()),
});
export const USER_ID_VALIDATION: ValidateOptions = {
  toError: ([first]) => new AppError('USER_NOT_FOUND', { field: first.field, reason: first.message }),
};

// The answers.
const createdAt = z.string().meta({ format: 'date-time', example: '2017-08-25T13:17:22+00:00' });

export const GatekeeperUser = z
  .object({
    uuid: z.string(),
    username: z.string().nullable().meta({ description: 'Null only for a user made through another face without a username.' }),
    email: z.string().nullable(),
    user_type: z.enum(USER_TYPES),
    created_at: createdAt,
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    phone_number: z.string().optional(),
    public_key: z.string().optional(),
    certificate: z.string().optional(),
  })
  .meta({ id: 'GatekeeperUser' });

export const GatekeeperSession = z
  .object({
    username: z.string(),
    session_began_at: z.string().meta({ example: '2017-08-25 14:16:09 UTC' }),
    token: z.object({
      access_token: z.string(),
      expires_in: z.number().int(),
      refresh_token: z.string(),
      refresh_expires_in: z.number().int(),
      token_type: z.literal('bearer'),
      'not-before-policy': z.literal(0),
      session_state: z.string(),
    }),
  })
  .meta({ id: 'GatekeeperSession' });

export const PemPublicKey = z.object({ 'public-key': z.string().meta({ description: 'PEM (SPKI).' }) }).meta({ id: 'GatekeeperPublicKey' });
export const MicroServicePublicKey = z
  .object({ items: z.object({ 'public-key': z.string().meta({ description: 'Base64 SPKI, no PEM header.' }) }) })
  .meta({ id: 'GatekeeperMicroServiceKey' });
export const RootEntries = z.array(z.object({ uri: z.string(), method: z.string(), purpose: z.string() })).meta({ id: 'GatekeeperRoot' });
