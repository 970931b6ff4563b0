// Shared parts of error rendering: the usual HTTP status of each core error code and a plain
// message for it. Each face decides its own body (and may pick another status where its original
// system did); the app's one onError picks the face by path.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, ErrorCode } from '../core/errors';
import type { AppEnv } from './types';

export type ErrorRenderer = (c: Context<AppEnv>, error: AppError) => Response | Promise<Response>;

export const STATUS_OF: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_JSON: 400,
  INVALID_FIELD: 400,
  BODY_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHENTICATED: 401,
  MALFORMED_AUTHORIZATION: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 429,
  USER_NOT_CONFIRMED: 400,
  USER_ALREADY_CONFIRMED: 400,
  USER_NOT_FOUND: 404,
  ECOSYSTEM_NOT_FOUND: 404,
  ENVIRONMENT_NOT_FOUND: 400,
  SESSION_NOT_FOUND: 404,
  SERVER_TOKEN_NOT_FOUND: 404,
  MAIL_NOT_FOUND: 404,
  MAIL_ALREADY_SENT: 409,
  EMAIL_TAKEN: 409,
  USERNAME_TAKEN: 409,
  INVALID_EMAIL: 400,
  PASSWORD_TOO_SHORT: 400,
  PASSWORD_TOO_LONG: 400,
  PASSWORD_TOO_COMMON: 400,
  INVALID_CODE: 400,
  MFA_REQUIRED: 403,
  REAUTHENTICATION_REQUIRED: 403,
  MFA_ENROLLMENT_REQUIRED: 403,
  PASSKEY_REFUSED: 401,
  PASSKEY_NOT_FOUND: 404,
  INVALID_REFRESH_TOKEN: 401,
  LIMIT_EXCEEDED: 400,
  RATE_LIMITED: 429,
  REGISTRATION_CLOSED: 403,
  UNSUPPORTED_GRANT_TYPE: 400,
  CLIENT_NOT_FOUND: 404,
  IDENTITY_PROVIDER_NOT_FOUND: 404,
  IDENTITY_PROVIDER_EXISTS: 409,
  LINKED_IDENTITY_NOT_FOUND: 404,
  LAST_SIGN_IN_METHOD: 409,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  DELIVERY_ALREADY_SENT: 409,
  UNAUTHORIZED_CLIENT: 400,
  INVALID_SCOPE: 400,
  INVALID_TARGET: 400,
  INVALID_REDIRECT_URI: 400,
  INVALID_CLIENT_METADATA: 400,
  INITIAL_ACCESS_TOKEN_NOT_FOUND: 404,
  AUTHORIZATION_PENDING: 400,
  SLOW_DOWN: 400,
  DEVICE_CODE_EXPIRED: 400,
  ACCESS_DENIED: 400,
  ORIGIN_UNREACHABLE: 502,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const MESSAGES: Record<ErrorCode, string> = {
  INVALID_JSON: 'The request body is not a valid JSON object.',
  INVALID_FIELD: 'A field of the request is missing or invalid.',
  BODY_TOO_LARGE: 'The request body is too large.',
  ROUTE_NOT_FOUND: 'No such route.',
  METHOD_NOT_ALLOWED: 'This route does not accept that method.',
  UNAUTHENTICATED: 'Authentication is required.',
  MALFORMED_AUTHORIZATION: 'The Authorization header is malformed.',
  INVALID_TOKEN: 'The token is invalid.',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_REVOKED: 'The token has been revoked.',
  FORBIDDEN: 'Not allowed.',
  INVALID_CREDENTIALS: 'The credentials are incorrect.',
  ACCOUNT_LOCKED: 'Too many failed attempts; try again later.',
  USER_NOT_CONFIRMED: 'The user has not confirmed their e-mail address.',
  USER_ALREADY_CONFIRMED: 'The user is already confirmed.',
  USER_NOT_FOUND: 'User not found.',
  ECOSYSTEM_NOT_FOUND: 'Ecosystem not found.',
  ENVIRONMENT_NOT_FOUND: 'Environment not found.',
  SESSION_NOT_FOUND: 'Session not found.',
  SERVER_TOKEN_NOT_FOUND: 'Server token not found.',
  MAIL_NOT_FOUND: 'No such message in the outbox.',
  MAIL_ALREADY_SENT: 'The message was already sent.',
  EMAIL_TAKEN: 'This e-mail address is already registered.',
  USERNAME_TAKEN: 'This username is already taken.',
  INVALID_EMAIL: 'The e-mail address is invalid.',
  PASSWORD_TOO_SHORT: 'The password is too short.',
  PASSWORD_TOO_LONG: 'The password is too long.',
  PASSWORD_TOO_COMMON: 'The password is too common.',
  INVALID_CODE: 'The code is invalid, used or expired.',
  MFA_REQUIRED: 'mfa_required: this account has a second factor; send a one-time code or a recovery code as otp.',
  REAUTHENTICATION_REQUIRED: 'Sign in again first: this change needs a sign-in from the last 5 minutes.',
  MFA_ENROLLMENT_REQUIRED:
    'mfa_enrollment_required: this account must set up a second factor before it signs in; sign in on the hosted pages to set one up.',
  PASSKEY_REFUSED: 'The passkey was not accepted.',
  PASSKEY_NOT_FOUND: 'No such passkey.',
  INVALID_REFRESH_TOKEN: 'The refresh token is invalid or expired.',
  LIMIT_EXCEEDED: 'A limit was exceeded.',
  RATE_LIMITED: 'Too many requests; try again later.',
  REGISTRATION_CLOSED: 'Registration is closed.',
  UNSUPPORTED_GRANT_TYPE: 'The grant type is not supported.',
  CLIENT_NOT_FOUND: 'No such OAuth client.',
  IDENTITY_PROVIDER_NOT_FOUND: 'No such identity provider.',
  IDENTITY_PROVIDER_EXISTS: 'An identity provider with this id exists.',
  LINKED_IDENTITY_NOT_FOUND: 'No such linked identity.',
  LAST_SIGN_IN_METHOD: 'This is your only way to sign in: set a password or link another identity first.',
  WEBHOOK_NOT_FOUND: 'No such webhook.',
  DELIVERY_NOT_FOUND: 'No such delivery of this webhook.',
  DELIVERY_ALREADY_SENT: 'The delivery was already made.',
  UNAUTHORIZED_CLIENT: 'This client may not use this grant type.',
  INVALID_SCOPE: 'A requested scope is not allowed for this client.',
  INVALID_TARGET: 'The requested resource is not allowed for this client.',
  INVALID_REDIRECT_URI: 'A redirect URI is invalid.',
  INVALID_CLIENT_METADATA: 'A field of the client metadata is invalid.',
  INITIAL_ACCESS_TOKEN_NOT_FOUND: 'No such initial access token.',
  AUTHORIZATION_PENDING: 'The person has not approved the request yet; poll again after the interval.',
  SLOW_DOWN: 'Polling too fast: wait 5 more seconds between requests.',
  DEVICE_CODE_EXPIRED: 'The device code has expired; start again.',
  ACCESS_DENIED: 'The person denied the request.',
  ORIGIN_UNREACHABLE: 'The origin could not be reached.',
  TEMPORARILY_UNAVAILABLE: 'The service is temporarily unavailable; try again.',
  INTERNAL: 'Internal error.',
};

/** A message safe to show: the code's text, plus the field and reason (never a value). */
export function messageOf(error: AppError): string {
  const base = MESSAGES[error.code];
  const { field, reason } = error.detail;
  if (field && reason) return `${field} ${reason}.`;
  if (field) return `${base} (${field})`;
  return base;
}

/** Headers that go with an error: a Retry-After for throttling. */
export function errorHeaders(error: AppError): Record<string, string> {
  const retry = error.detail.retryAfterSeconds;
  return retry !== undefined ? { 'Retry-After': String(retry) } : {};
}

/** An RFC 6750 challenge: `error="invalid_token"` when a token was presented and refused. */
export function bearerChallenge(error: AppError): string {
  const refused = error.code === 'INVALID_TOKEN' || error.code === 'TOKEN_EXPIRED' || error.code === 'TOKEN_REVOKED';
  return refused ? 'Bearer realm="gatehouse", error="invalid_token"' : 'Bearer realm="gatehouse"';
}
