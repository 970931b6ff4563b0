// The operator routes' requests (validated by src/http/validate.ts, in the words of body.ts's
// readers) and answers (for /openapi.json only), and the management face's error body.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../config';
import { OUTBOX_STATUSES } from '../../core/mail';
import { EMAIL_MAX_LENGTH, ROLES } from '../../core/users';
import { isoTime, optionalChoice, optionalFlag, optionalText, optionalWholeNumber, pageLimitParam, queryChoice } from '../../http/fields';
import { errorResponses } from '../../openapi/describe';

/** `{"error": {"code", "message"}, "requestId"}`, for every status (errors.ts). */
export const ManagementError = z.object({
  error: z.object({ code: z.string().meta({ example: 'INVALID_FIELD' }), message: z.string().meta({ example: 'name must be a string.' }) }),
  requestId: z.string(),
});

export const managementErrors = (statuses: Record<number, string>) =>
  errorResponses('ManagementError', { 401: 'No account token, or another token', ...statuses });

const named = () => z.object({ name: optionalText(200).meta({ description: 'A label for people.' }) });
export const EcosystemCreate = named();
export const EnvironmentCreate = named();
export const ServerTokenCreate = named();

// Examples (validate()'s `example`) from the README's quick start and droplit walk-through.
export const USER_EXAMPLE = { email: 'ada@example.com', password: 'analytical engine 1843', role: 'admin' };

export const UserCreate = z.object({
  role: optionalChoice(ROLES, 32).meta({ description: 'Default `user`.' }),
  ecosystemId: optionalText(64).meta({ description: 'Default DEFAULT_ECOSYSTEM.' }),
  email: optionalText(EMAIL_MAX_LENGTH),
  username: optionalText(64),
  // Twice the policy's maximum in UTF-16 units (body.ts passwordFieldMaxLength); the core checks the policy.
  password: optionalText(PASSWORD_MAX_LENGTH * 2),
  firstName: optionalText(200),
  lastName: optionalText(200),
});

export const UserStanding = z.object({
  role: optionalChoice(ROLES, 32),
  permissionLevel: optionalWholeNumber(0, 2).meta({ description: 'The Gatekeeper level; sets the role.' }),
  disabled: optionalFlag(),
});

export const UserListQuery = z.object({
  ecosystemId: z.string().optional(),
  q: z.string().optional().meta({ description: 'A prefix of the e-mail address or username.' }),
  limit: pageLimitParam(),
  cursor: z.string().optional(),
});

export const OutboxQuery = z.object({
  to: z.string().optional(),
  status: queryChoice(OUTBOX_STATUSES),
  limit: pageLimitParam(),
});

const time = isoTime();

export const Ecosystem = z.object({ id: z.string(), name: z.string(), createdAt: time }).meta({ id: 'Ecosystem' });
export const Environment = z.object({ id: z.string(), ecosystemId: z.string(), name: z.string() }).meta({ id: 'Environment' });
export const ServerToken = z.object({ id: z.string(), token: z.string().meta({ description: 'Shown once; stored hashed.' }) }).meta({ id: 'ServerToken' });
export const AdminUser = z.object({
  id: z.string(),
  ecosystemId: z.string(),
  uniqueId: z.string().nullable(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
  permissionLevel: z.number().int(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  confirmed: z.boolean(),
  disabled: z.boolean(),
  createdAt: time,
}).meta({ id: 'AdminUser' });
export const Session = z
  .object({ id: z.string(), kind: z.string(), createdAt: time, lastUsedAt: time, expiresAt: time.nullable() })
  .meta({ id: 'Session' });
export const OutboxItem = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: time.nullable(),
  createdAt: time,
  sentAt: time.nullable(),
}).meta({ id: 'OutboxItem' });
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() });
