// Reading the User Service's requests: JSON or form-encoded bodies (the original took both), the
// fields of each route, and the user a bearer token names. Shape checks only; the rules are the core's.
import type { Context } from 'hono';
import { invalidField } from '../../core/errors';
import { userOfAccessToken, type EmailRegistration } from '../../core/email-accounts';
import { EMAIL_MAX_LENGTH, requireField } from '../../core/users';
import type { UserRow } from '../../store/user-repo';
import { bearerToken, rawOrBearerToken } from '../../http/auth-header';
import { optionalString, passwordFieldMaxLength, readBody, requiredString, type Fields } from '../../http/body';
import type { AppEnv } from '../../http/types';

type ServiceContext = Context<AppEnv>;

const NAME_MAX_CHARS = 200;
const LANGUAGE_MAX_CHARS = 35;
const LANGUAGE_PATTERN = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/;
const ID_MAX_CHARS = 64;
// Attribute keys and texts are measured by the core (in code points and bytes); the body limit bounds them here.
const CORE_MEASURED = Number.POSITIVE_INFINITY;

export const readFields = (c: ServiceContext): Promise<Fields> => readBody(c, { form: true });

/** The query string's fields with the body's over them: routes the original read from either. */
export const readQueryAndFields = async (c: ServiceContext): Promise<Fields> => ({ ...c.req.query(), ...(await readFields(c)) });

/** The password field; the policy is the core's. */
export const passwordOf = (c: ServiceContext, fields: Fields): string =>
  requiredString(fields, 'password', passwordFieldMaxLength(c.env.deps.config));

export const emailOf = (fields: Fields): string => requiredString(fields, 'email', EMAIL_MAX_LENGTH);

export function registrationOf(c: ServiceContext, fields: Fields): EmailRegistration {
  const language = optionalString(fields, 'language', LANGUAGE_MAX_CHARS) ?? 'en';
  if (!LANGUAGE_PATTERN.test(language)) throw invalidField('language', 'must be a language tag such as "en" or "pt-BR"');
  return {
    email: emailOf(fields),
    password: passwordOf(c, fields),
    firstName: optionalString(fields, 'firstname', NAME_MAX_CHARS) ?? null,
    lastName: optionalString(fields, 'lastname', NAME_MAX_CHARS) ?? null,
    language,
  };
}

/** The profile update: a field left out becomes null, as in the original. */
export function profileOf(fields: Fields): { firstName: string | null; lastName: string | null } {
  return {
    firstName: optionalString(fields, 'firstname', NAME_MAX_CHARS) ?? null,
    lastName: optionalString(fields, 'lastname', NAME_MAX_CHARS) ?? null,
  };
}

export function attributeOf(fields: Fields): { key: string; text: string } {
  return {
    key: requiredString(fields, 'attributeKey', CORE_MEASURED),
    text: requireField(optionalString(fields, 'attributeText', CORE_MEASURED), 'attributeText'),
  };
}

/** Which attribute to delete: by `attributeKey` (its key) or `attributeId` (its id). */
export function attributeTargetOf(fields: Fields): { key: string } | { id: string } {
  const key = optionalString(fields, 'attributeKey', CORE_MEASURED);
  if (key) return { key };
  const id = optionalString(fields, 'attributeId', ID_MAX_CHARS);
  if (id) return { id };
  throw invalidField('attributeKey', 'or attributeId is required');
}

/** A `code` from the query string or the body. */
export const codeOf = (fields: Fields): string => requiredString(fields, 'code', 256);

/** The signed-in user of a bearer route; anything but a good access token is a 401. */
export function signedInUser(c: ServiceContext): Promise<UserRow> {
  return userOfAccessToken(c.env.deps, bearerOf(c));
}

/** A login that sends no e-mail or password but a bearer token (the original's token re-issue). */
export function isBearerOnlyLogin(c: ServiceContext, fields: Fields): boolean {
  const header = c.req.header('authorization');
  return fields.email === undefined && fields.password === undefined && header !== undefined && header.trim() !== '';
}

export const bearerOf = (c: ServiceContext): string => bearerToken(c.req.header('authorization'));

/** A token offered to the register route (the account token raw or as Bearer); none when absent or malformed. */
export function offeredToken(c: ServiceContext): string | undefined {
  try {
    return rawOrBearerToken(c.req.header('authorization'));
  } catch {
    return undefined;
  }
}
