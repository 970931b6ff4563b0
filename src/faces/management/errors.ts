// The management face's error body: {"error": {"code", "message"}, "requestId"}.
import type { AppError } from '../../core/errors';
import { bearerChallenge, errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';

export const renderManagementError: ErrorRenderer = (c, error: AppError) => {
  const headers: Record<string, string> = errorHeaders(error);
  if (STATUS_OF[error.code] === 401) headers['WWW-Authenticate'] = bearerChallenge(error);
  return c.json({ error: { code: error.code, message: messageOf(error) }, requestId: c.get('requestId') }, STATUS_OF[error.code], headers);
};
