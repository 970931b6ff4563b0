// One error for every failed call: the HTTP status and the face's own error code and message.
// It is built from the response body and the request's method and path only (never its headers or
// query), so no token can end up in it.

/** One issue of a droplit InvalidParams (or other droplit) error. */
export interface GatehouseIssue {
  in: string;
  path: string;
  message: string;
}

export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';

  constructor(
    /** The HTTP status; 0 when no request was sent (a missing token in the client's options). */
    readonly status: number,
    /** The face's code: droplit's `errorType` (`InvalidParams`, `NotFound`), the management face's `error.code`, OAuth's `error`. */
    readonly code: string,
    message: string,
    /** droplit's `errors` list, as the face sent it. */
    readonly issues: GatehouseIssue[] = [],
    /** The id that finds the server's log line, when the face sends one. */
    readonly requestId?: string,
    /** The call that failed: its method and URL path (no query, no headers), when one was sent. */
    readonly request?: GatehouseRequest,
    /** The error body as the server sent it: parsed JSON, else its text (undefined when empty). */
    readonly body?: unknown,
  ) {
    super(message);
  }

  /** Reads any face's error body (already parsed JSON, text, or nothing). */
  static fromResponse(status: number, body: unknown, request?: GatehouseRequest): GatehouseError {
    const requestId = isRecord(body) && typeof body.requestId === 'string' ? body.requestId : undefined;
    const error = (code: string, message: string, issues: GatehouseIssue[] = []) =>
      new GatehouseError(status, code, message, issues, requestId, request, body);
    if (isRecord(body) && typeof body.errorType === 'string' && Array.isArray(body.errors)) {
      const issues = body.errors.filter(isIssue);
      const message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
      return error(body.errorType, message || body.errorType, issues);
    }
    if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
      return error(body.error.code, typeof body.error.message === 'string' ? body.error.message : body.error.code);
    }
    if (isRecord(body) && typeof body.error === 'string') {
      return error(body.error, typeof body.error_description === 'string' ? body.error_description : body.error);
    }
    return error(`HTTP_${status}`, `Gatehouse answered ${status}`);
  }
}

/** A call as an error names it: `POST /admin/v1/ecosystems`. */
export interface GatehouseRequest {
  method: string;
  path: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIssue(value: unknown): value is GatehouseIssue {
  return isRecord(value) && typeof value.message === 'string' && typeof value.path === 'string' && typeof value.in === 'string';
}
