// The User Service's requests as zod schemas (validated by src/http/validate.ts, JSON or
// form-encoded, the first problem only, in the words of the hand-written checks: the face's
// renderer makes `email is missing.` of them), its answers (for /openapi.json only); its error
// body is in face.ts. Shape checks only; the rules (password policy, attribute sizes) are the core's.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../config';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../core/users';
import { passwordFieldMaxLength } from '../../http/body';
import { optionalText, otpField, requiredText } from '../../http/fields';
import type { ValidateOptions } from '../../http/validate';
import { errorResponses } from '../../openapi/describe';
import { userService } from './face';

const LANGUAGE_MAX_CHARS = 35;
const LANGUAGE_PATTERN = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/;
const ID_MAX_CHARS = 64;
const CODE_MAX_CHARS = 256;
// Attribute keys and texts are measured by the core (in code points and bytes); the body limit bounds them here.
const CORE_MEASURED = Number.POSITIVE_INFINITY;

export const userServiceErrors = (statuses: Record<number, string>) => errorResponses(userService.errorBody!.name, statuses);

/** validate()'s options for a body (JSON or form-encoded, as the original took both). */
export const BODY: ValidateOptions = { form: true };
/** ... and for the routes that read a field from the query string or the body (the body's wins). */
export const QUERY_AND_BODY: ValidateOptions = { form: true, withQuery: true };

const email = requiredText(EMAIL_MAX_LENGTH);
const password = requiredText(passwordFieldMaxLength({ passwordMaxLength: PASSWORD_MAX_LENGTH }));
const code = requiredText(CODE_MAX_CHARS).meta({ description: 'The code the mail carried.' });
/** A name the original stored as given; absent, null (and in a profile update, left out) is null. */
const name = optionalText(NAME_MAX_LENGTH).transform((value) => value ?? null);

export const Registration = z
  .object({
    language: z
      .string({ error: 'must be a string' })
      .max(LANGUAGE_MAX_CHARS, { error: `must be at most ${LANGUAGE_MAX_CHARS} characters` })
      .regex(LANGUAGE_PATTERN, { error: 'must be a language tag such as "en" or "pt-BR"' })
      .nullish()
      .transform((value) => value ?? 'en')
      .meta({ description: 'Default `en`.' }),
    email,
    password,
    firstname: name,
    lastname: name,
  })
  .transform(({ language, email, password, firstname, lastname }) => ({
    email,
    password,
    firstName: firstname,
    lastName: lastname,
    language,
  }));

export const Login = z.object({ email, password, otp: otpField() });
export const LOGIN_EXAMPLE = { email: 'ada@example.com', password: 'analytical engine 1843' };
export const RefreshFields = z.object({ refreshToken: requiredText(CODE_MAX_CHARS) });
export const EmailFields = z.object({ email });
export const CodeFields = z.object({ code });
export const ResetFields = z.object({ code, password });
/** The query string of the routes that also read their fields from the body (documentation only: the body's schema checks them). */
export const queryOf = <K extends string>(...names: K[]) =>
  z.object(
    Object.fromEntries(names.map((key) => [key, z.string().optional().meta({ description: 'Or in the body.' })])) as Record<
      K,
      z.ZodOptional<z.ZodString>
    >,
  );

export const Profile = z
  .object({ firstname: name, lastname: name })
  .transform(({ firstname, lastname }) => ({ firstName: firstname, lastName: lastname }));

export const Attribute = z
  .object({
    attributeKey: requiredText(CORE_MEASURED),
    attributeText: z.string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be a string') }),
  })
  .transform(({ attributeKey, attributeText }) => ({ key: attributeKey, text: attributeText }));

/** Which attribute to delete: by `attributeKey` (its key) or, without one, `attributeId` (its id). */
export const AttributeTarget = z.preprocess(
  (fields) => {
    if (typeof fields !== 'object' || fields === null) return fields;
    const { attributeKey, attributeId, ...rest } = fields as Record<string, unknown>;
    return typeof attributeKey === 'string' && attributeKey !== '' ? { ...rest, attributeKey } : { ...rest, attributeKey, attributeId };
  },
  z
    .object({
      attributeKey: z.string({ error: 'must be a string' }).nullish(),
      attributeId: optionalText(ID_MAX_CHARS),
    })
    .refine((target) => target.attributeKey || target.attributeId, { path: ['attributeKey'], error: 'or attributeId is required' })
    .transform(({ attributeKey, attributeId }): { key: string } | { id: string } =>
      attributeKey ? { key: attributeKey } : { id: attributeId! },
    ),
);

// The answers.
export const ServiceUser = z
  .object({
    id: z.union([z.string(), z.number().int()]).meta({ description: 'The user’s id; its integer number under the legacy token profile.' }),
    email: z.string().nullable(),
    firstname: z.string().nullable(),
    lastname: z.string().nullable(),
    language: z.string(),
    confirmed: z.boolean(),
    permissionLevel: z.number().int(),
  })
  .meta({ id: 'ServiceUser' });
export const Attributes = z.record(z.string(), z.string()).meta({ id: 'ServiceAttributes', description: 'Each attribute’s key and text.' });
export const ServiceUserWithAttributes = ServiceUser.extend({ attributes: Attributes }).meta({ id: 'ServiceUserWithAttributes' });

const success = z.literal('success');
export const UserAnswer = z.object({ status: success, user: ServiceUser }).meta({ id: 'ServiceUserAnswer' });
export const UserWithAttributesAnswer = z.object({ status: success, user: ServiceUserWithAttributes }).meta({ id: 'ServiceProfileAnswer' });
export const LoginAnswer = z
  .object({ status: success, accessToken: z.string(), refreshToken: z.string(), user: ServiceUser })
  .meta({ id: 'ServiceLoginAnswer' });
export const AccessTokenAnswer = z.object({ status: success, accessToken: z.string() }).meta({ id: 'ServiceAccessTokenAnswer' });
export const SuccessAnswer = z.object({ status: success, message: z.string().optional() }).meta({ id: 'ServiceSuccess' });
