// droplit's error body for every status: {"errorType", "errors": [{"in", "path", "message"}]}.
// 400s are InvalidParams with droplit's own validator messages (the face puts them in the reason);
// the other statuses keep the structure with an errorType of their own.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../../core/errors';
import { errorHeaders, messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import type { FieldIssue, Target, ValidateOptions } from '../../http/validate';

/** Where a droplit request holds a field. */
export type Location = 'body' | 'query' | 'path' | 'header' | 'request';

export interface DroplitIssue {
  in: Location;
  path: string;
  message: string;
}

/** Several InvalidParams issues at once, as droplit's validator reported them. */
export class InvalidParams extends AppError {
  constructor(readonly issues: [DroplitIssue, ...DroplitIssue[]]) {
    const [first] = issues;
    super('INVALID_FIELD', { field: first.path, reason: first.message });
  }
}

/** The message of an unknown field, word for word droplit's. */
export function notAllowedMessage(names: string[]): string {
  return `contains fields that are not allowed: [ ${names.join(', ')} ]`;
}

const LOCATIONS: Record<Target, Location> = { json: 'body', query: 'query', param: 'path' };

/** validate()'s options for droplit: every issue at once, a repeated query name is a list. */
export const DROPLIT_VALIDATION: ValidateOptions = {
  queryLists: true,
  toError: (issues: [FieldIssue, ...FieldIssue[]], target: Target) => {
    const where = LOCATIONS[target];
    const droplitIssue = ({ field, message, unknownKeys }: FieldIssue): DroplitIssue =>
      unknownKeys
        ? { in: where, path: field || 'additional parameters', message: notAllowedMessage(unknownKeys) }
        : { in: where, path: field, message };
    return new InvalidParams(issues.map(droplitIssue) as [DroplitIssue, ...DroplitIssue[]]);
  },
};

const ERROR_TYPES: Record<number, string> = {
  400: 'InvalidParams',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
};

/** Where the error points and what it says, for codes whose words are droplit's or ours. */
const ISSUES: Partial<Record<ErrorCode, DroplitIssue>> = {
  UNAUTHENTICATED: { in: 'header', path: 'authorization', message: 'An account token or a server token is required' },
  MALFORMED_AUTHORIZATION: { in: 'header', path: 'authorization', message: 'An account token or a server token is required' },
  USER_NOT_FOUND: { in: 'path', path: 'userId', message: 'User Not Found' },
  ECOSYSTEM_NOT_FOUND: { in: 'path', path: 'ecosystemId', message: 'Ecosystem Not Found' },
  ENVIRONMENT_NOT_FOUND: { in: 'body', path: 'access', message: 'names an environment that is not in this ecosystem' },
  INVALID_EMAIL: { in: 'body', path: 'email', message: 'expected field to be an e-mail address' },
  EMAIL_TAKEN: { in: 'body', path: 'email', message: 'Email Already In Use' },
  INVALID_JSON: { in: 'body', path: 'body', message: 'expected the body to be a JSON object' },
  BODY_TOO_LARGE: { in: 'body', path: 'body', message: 'The request body is too large' },
  ROUTE_NOT_FOUND: { in: 'path', path: '', message: 'Route Not Found' },
  METHOD_NOT_ALLOWED: { in: 'request', path: 'method', message: 'Method Not Allowed' },
};

/** The fields every user route's path holds (`/users/ECOSYSTEM-ID;USER-ID`). */
const PATH_FIELDS = new Set(['ecosystemId', 'userId']);

/**
 * Where the request held the field a core error names: the query when the query names it (the
 * list's `ecosystemId`, `cursor`, `limit`), the path for the user routes' ids, else where the
 * code's own issue points (a field of the body, for an invalid one).
 */
function locate(url: string, error: AppError, known: DroplitIssue | undefined): Location {
  const { field } = error.detail;
  if (field !== undefined && new URL(url).searchParams.has(field)) return 'query';
  if (field !== undefined && PATH_FIELDS.has(field)) return 'path';
  return known?.in ?? (error.code === 'INVALID_FIELD' ? 'body' : 'request');
}

function issuesOf(url: string, error: AppError): DroplitIssue[] {
  if (error instanceof InvalidParams) return error.issues;
  const known = ISSUES[error.code];
  const { field, reason } = error.detail;
  const where = locate(url, error, known);
  if (known) return [{ in: where, path: field ?? known.path, message: known.message }];
  if (error.code === 'INVALID_FIELD') return [{ in: where, path: field ?? '', message: reason ?? 'is invalid' }];
  if (error.code === 'FORBIDDEN' && reason) return [{ in: where, path: field ?? '', message: reason }];
  return [{ in: where, path: field ?? '', message: messageOf(error) }];
}

export const renderDroplitError: ErrorRenderer = (c, error) => {
  const status: ContentfulStatusCode = STATUS_OF[error.code];
  const body: Record<string, unknown> = {
    errorType: ERROR_TYPES[status] ?? (status >= 500 ? 'ServerError' : 'Error'),
    errors: issuesOf(c.req.url, error),
  };
  // An unexpected failure carries the id that finds its log line, never its detail.
  if (status >= 500) body.requestId = c.get('requestId');
  return c.json(body, status, errorHeaders(error));
};
