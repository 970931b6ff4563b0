// The User Service's error body, {"error": "<reason>"}, with the original system's reason texts
// where it had one. Status 400 unless the contract says otherwise: 401 for credentials and
// tokens (a user a token names that is gone counts as a bad token), 429 with Retry-After for a
// locked account, 403 for closed registration.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, ErrorCode } from '../../core/errors';
import { bearerChallenge, errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';

const ORIGINAL_REASONS: Partial<Record<ErrorCode, string>> = {
  INVALID_CREDENTIALS: 'Username or password is incorrect',
  USER_NOT_CONFIRMED: 'User not activated.',
  USER_ALREADY_CONFIRMED: 'User already activated.',
  EMAIL_TAKEN: 'This email is already registered.',
  MFA_REQUIRED: 'mfa_required: send a one-time code as otp',
  MFA_ENROLLMENT_REQUIRED: 'mfa_enrollment_required: set up a second factor on the hosted sign-in page first',
};

const STATUS_OVERRIDES: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  EMAIL_TAKEN: 400,
  USERNAME_TAKEN: 400,
  USER_NOT_FOUND: 401,
};

/** Failures of a bearer token, answered with an RFC 6750 challenge (not login or refresh failures). */
const BEARER_FAILURES = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'MALFORMED_AUTHORIZATION',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'USER_NOT_FOUND',
]);

function reasonOf(path: string, error: AppError): string {
  if (error.code === 'INVALID_CODE') {
    // The original's words for an unknown activation code; a reset code also expires.
    return /\/activate$/.test(path) ? 'No user found with the given code.' : 'The code is invalid, used or expired.';
  }
  if (error.code === 'LIMIT_EXCEEDED' && error.detail.reason) return `A limit was exceeded: ${error.detail.reason}.`;
  return ORIGINAL_REASONS[error.code] ?? messageOf(error);
}

export const renderUserServiceError: ErrorRenderer = (c, error) => {
  const status = STATUS_OVERRIDES[error.code] ?? STATUS_OF[error.code];
  const headers: Record<string, string> = errorHeaders(error);
  if (BEARER_FAILURES.has(error.code)) headers['WWW-Authenticate'] = bearerChallenge(error);
  const body: Record<string, string> = { error: reasonOf(c.req.path, error) };
  // An unexpected failure carries the id that finds its log line, never its detail.
  if (error.code === 'INTERNAL') body.requestId = c.get('requestId');
  return c.json(body, status, headers);
};
