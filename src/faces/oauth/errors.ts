// RFC 6749 section 5.2 error bodies ({"error", "error_description"}), and RFC 6750 challenges
// on the userinfo route. Descriptions never carry a token or a password. The browser routes
// (authorize, logout) are marked in face.ts: their errors are pages, rendered by the app.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, ErrorCode } from '../../core/errors';
import { bearerChallenge, errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';

const OAUTH_ERRORS: Partial<Record<ErrorCode, [string, ContentfulStatusCode]>> = {
  INVALID_JSON: ['invalid_request', 400],
  INVALID_FIELD: ['invalid_request', 400],
  INVALID_CREDENTIALS: ['invalid_grant', 400],
  INVALID_REFRESH_TOKEN: ['invalid_grant', 400],
  USER_NOT_CONFIRMED: ['invalid_grant', 400],
  UNSUPPORTED_GRANT_TYPE: ['unsupported_grant_type', 400],
  UNAUTHORIZED_CLIENT: ['unauthorized_client', 400],
  INVALID_SCOPE: ['invalid_scope', 400],
  INVALID_TARGET: ['invalid_target', 400],
  INVALID_REDIRECT_URI: ['invalid_redirect_uri', 400],
  INVALID_CLIENT_METADATA: ['invalid_client_metadata', 400],
  AUTHORIZATION_PENDING: ['authorization_pending', 400],
  SLOW_DOWN: ['slow_down', 400],
  DEVICE_CODE_EXPIRED: ['expired_token', 400],
  ACCESS_DENIED: ['access_denied', 400],
  INVALID_CODE: ['invalid_grant', 400],
  // Auth0's name and status for a password grant that needs a second factor.
  MFA_REQUIRED: ['mfa_required', 403],
  // The policy needs a second factor the account has not set up: enrolment is on the hosted pages.
  MFA_ENROLLMENT_REQUIRED: ['mfa_enrollment_required', 403],
  UNAUTHENTICATED: ['invalid_client', 401],
  MALFORMED_AUTHORIZATION: ['invalid_client', 401],
  ACCOUNT_LOCKED: ['invalid_grant', 429],
  RATE_LIMITED: ['slow_down', 429],
  TEMPORARILY_UNAVAILABLE: ['temporarily_unavailable', 503],
  INTERNAL: ['server_error', 500],
};

/** A route that takes a bearer token (userinfo; registration's initial or registration access token): RFC 6750's codes. */
function bearerRouteError(error: AppError): [string, ContentfulStatusCode] {
  const status = STATUS_OF[error.code];
  if (status === 401) return [error.code === 'UNAUTHENTICATED' ? 'invalid_request' : 'invalid_token', 401];
  return OAUTH_ERRORS[error.code] ?? ['invalid_request', status];
}

export const renderOAuthError: ErrorRenderer = (c, error) => {
  const onUserinfo = c.req.path.startsWith('/oauth/userinfo') || c.req.path.startsWith('/oauth/register');
  const [code, status] = onUserinfo ? bearerRouteError(error) : (OAUTH_ERRORS[error.code] ?? ['invalid_request', STATUS_OF[error.code]]);
  const headers: Record<string, string> = { ...errorHeaders(error), Pragma: 'no-cache' };
  // RFC 6749 5.2: a client that authenticated with HTTP Basic is challenged with the scheme it used.
  const usedBasic = /^basic /i.test(c.req.header('authorization') ?? '');
  if (status === 401)
    headers['WWW-Authenticate'] = onUserinfo ? bearerChallenge(error) : usedBasic ? 'Basic realm="gatehouse"' : 'Bearer realm="gatehouse"';
  const body = { error: code, error_description: messageOf(error) };
  return c.json(error.code === 'INTERNAL' ? { ...body, requestId: c.get('requestId') } : body, status, headers);
};
