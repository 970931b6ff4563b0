// The one error type of the core. Each code is stable; every face renders codes in its own
// dialect in one onError. Details never hold a secret: only field names and public limits.

const ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_FIELD',
  'BODY_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNAUTHENTICATED',
  'MALFORMED_AUTHORIZATION',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'FORBIDDEN',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'USER_NOT_CONFIRMED',
  'USER_ALREADY_CONFIRMED',
  'USER_NOT_FOUND',
  'ECOSYSTEM_NOT_FOUND',
  'ENVIRONMENT_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'SERVER_TOKEN_NOT_FOUND',
  'MAIL_NOT_FOUND',
  'MAIL_ALREADY_SENT',
  'EMAIL_TAKEN',
  'USERNAME_TAKEN',
  'INVALID_EMAIL',
  'PASSWORD_TOO_SHORT',
  'PASSWORD_TOO_LONG',
  'PASSWORD_TOO_COMMON',
  'INVALID_CODE',
  'MFA_REQUIRED',
  'REAUTHENTICATION_REQUIRED',
  'MFA_ENROLLMENT_REQUIRED',
  'PASSKEY_REFUSED',
  'PASSKEY_NOT_FOUND',
  'INVALID_REFRESH_TOKEN',
  'LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'REGISTRATION_CLOSED',
  'UNSUPPORTED_GRANT_TYPE',
  'CLIENT_NOT_FOUND',
  'IDENTITY_PROVIDER_NOT_FOUND',
  'IDENTITY_PROVIDER_EXISTS',
  'LINKED_IDENTITY_NOT_FOUND',
  'LAST_SIGN_IN_METHOD',
  'WEBHOOK_NOT_FOUND',
  'DELIVERY_NOT_FOUND',
  'DELIVERY_ALREADY_SENT',
  'UNAUTHORIZED_CLIENT',
  'INVALID_SCOPE',
  'INVALID_TARGET',
  'INVALID_REDIRECT_URI',
  'INVALID_CLIENT_METADATA',
  'INITIAL_ACCESS_TOKEN_NOT_FOUND',
  'AUTHORIZATION_PENDING',
  'SLOW_DOWN',
  'DEVICE_CODE_EXPIRED',
  'ACCESS_DENIED',
  'ORIGIN_UNREACHABLE',
  'TEMPORARILY_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

interface ErrorDetail {
  /** The field the error is about, by its name in the core (each face knows where its requests hold it). */
  field?: string;
  /** What was wrong with it, in words safe to show (no values). */
  reason?: string;
  /** For ACCOUNT_LOCKED and RATE_LIMITED: when to try again. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: ErrorDetail = {},
  ) {
    super(detail.reason ? `${code}: ${detail.reason}` : code);
    this.name = 'AppError';
  }
}

export function invalidField(field: string, reason: string): AppError {
  return new AppError('INVALID_FIELD', { field, reason });
}
