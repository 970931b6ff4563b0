// The Gatekeeper's error body, `{"error": {"code": <status>, "message": "<text>"}}`, with the
// original's texts (`User name is missing`, `Unauthorized: ...`). A message names a field, never
// echoes a value: no token, password or username the client sent comes back.
import type { AppError, ErrorCode } from '../../core/errors';
import { bearerChallenge, errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';

/** Where the original answered otherwise than the shared table. */
const STATUS_OVERRIDES: Partial<Record<ErrorCode, 400 | 401>> = {
  MALFORMED_AUTHORIZATION: 400,
  USER_NOT_CONFIRMED: 401,
};

const FIELD_LABELS: Record<string, string> = {
  username: 'User name',
  password: 'Password',
  email: 'Email',
  user_type: 'User type',
  first_name: 'First name',
  last_name: 'Last name',
  phone_number: 'Phone number',
  public_key: 'Public key',
  'public-key': 'Public key',
  publicKey: 'Public key',
  certificate: 'Certificate',
  uuid: 'User id',
};

const TOKEN_NOT_ACTIVE = 'Unauthorized: token is not active';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Unauthorized: missing authorization header',
  MALFORMED_AUTHORIZATION: 'Unprocessable entity: authorization header must be "Bearer <token>"',
  INVALID_TOKEN: TOKEN_NOT_ACTIVE,
  TOKEN_EXPIRED: TOKEN_NOT_ACTIVE,
  TOKEN_REVOKED: TOKEN_NOT_ACTIVE,
  INVALID_CREDENTIALS: 'Unauthorized: user not authenticated',
  MFA_REQUIRED: 'Forbidden: mfa_required (send a one-time code as otp)',
  MFA_ENROLLMENT_REQUIRED: 'Forbidden: mfa_enrollment_required (set up a second factor on the hosted sign-in page first)',
  USER_NOT_CONFIRMED: 'Unauthorized: e-mail address not confirmed',
  USERNAME_TAKEN: 'User name already in use',
  EMAIL_TAKEN: 'Email already in use',
  USER_NOT_FOUND: 'User not found',
  SESSION_NOT_FOUND: TOKEN_NOT_ACTIVE,
  FORBIDDEN: 'Forbidden',
  REGISTRATION_CLOSED: 'Forbidden: registration is closed',
  RATE_LIMITED: 'Too many requests: try again later',
  ACCOUNT_LOCKED: 'Too many failed attempts: try again later',
  INVALID_JSON: 'Unprocessable entity: the body is not a JSON object',
  ROUTE_NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  BODY_TOO_LARGE: 'Request entity too large',
  INTERNAL: 'Internal error',
};

/** Codes whose reason, written by the core for people, completes the message. */
const REASON_PREFIXES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  INVALID_JSON: 'Unprocessable entity',
};

function gatekeeperMessage(error: AppError): string {
  const { field, reason } = error.detail;
  if (field && reason) return `${FIELD_LABELS[field] ?? field} ${reason}`;
  const prefix = REASON_PREFIXES[error.code];
  if (prefix && reason) return `${prefix}: ${reason}`;
  return MESSAGES[error.code] ?? messageOf(error);
}

export const renderGatekeeperError: ErrorRenderer = (c, error) => {
  const status = STATUS_OVERRIDES[error.code] ?? STATUS_OF[error.code];
  const headers = errorHeaders(error);
  if (status === 401 && error.code !== 'INVALID_CREDENTIALS' && error.code !== 'USER_NOT_CONFIRMED') {
    headers['WWW-Authenticate'] = bearerChallenge(error);
  }
  const body = { error: { code: status, message: gatekeeperMessage(error) } };
  // An unexpected failure carries the id that finds its log line, never its detail.
  return c.json(error.code === 'INTERNAL' ? { ...body, requestId: c.get('requestId') } : body, status, headers);
};
