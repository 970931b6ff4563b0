// The CLI's one way to the service: @gatehouse/client, whose routes are typed from the OpenAPI
// document the Worker serves, so a route that changes breaks the client and the CLI at compile time
// in one place. The CLI sends nothing itself; it turns each failed call into one line: the route,
// the status and the face's own error message (or why the deployment could not be reached).
import { createGatehouse, GatehouseError, type Gatehouse } from '../../client/src/index.ts';
import type { Connection } from './connection';
import { CliError, failure, type Io } from './io';
import { printable } from './output';

/** The face's own error text: the management face's {error: {code, message}}, droplit's
 * {errorType, errors: [{path, message}]}, OAuth's {error, error_description}, else the start of the body. */
export function serverMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const error = record.error as { code?: string; message?: string } | string | undefined;
    if (error && typeof error === 'object' && error.message) return `${error.code ?? 'ERROR'}: ${error.message}`;
    if (typeof error === 'string') return `${error}${record.error_description ? `: ${String(record.error_description)}` : ''}`;
    if (Array.isArray(record.errors)) {
      const details = (record.errors as { path?: string; message?: string }[]).map((item) =>
        `${item.path ?? ''} ${item.message ?? ''}`.trim(),
      );
      return `${String(record.errorType ?? 'Error')}: ${details.join('; ')}`;
    }
  }
  // Not a face's error body: probably not a Gatehouse at this URL.
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const start = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return start ? `not a Gatehouse error body: ${start}` : 'empty body';
}

/** The Io's fetch, the one the typed client sends through. */
const fetchOf = (io: Io) => (request: Request) => io.fetch(request);

/** The typed client for a connection; its token serves the operator routes and the droplit ones. */
function clientFor(io: Io, connection: Connection): Gatehouse {
  return createGatehouse({ baseUrl: connection.url, accountToken: connection.token, serverToken: connection.token, fetch: fetchOf(io) });
}

/** The typed client for a deployment without the account token (`login`: a person's own sign-in). */
export function anonymousClient(io: Io, url: string): Gatehouse {
  return createGatehouse({ baseUrl: url, fetch: fetchOf(io) });
}

/** The failure a refused or unreachable call exits with (1), as one line. */
function failureOf(connection: Connection, error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof GatehouseError && error.request) {
    const { method, path } = error.request;
    if (error.code === 'NOT_JSON') {
      return failure(
        `${method} ${path}: the server answered ${error.status} with a body that is not JSON: is ${connection.url} a Gatehouse?`,
      );
    }
    const hint = error.status === 401 ? ` (check ${connection.tokenSource})` : '';
    return failure(`${method} ${path}: the server answered ${error.status}: ${printable(serverMessage(error.body))}${hint}`);
  }
  if (error instanceof SyntaxError) return failure(`The server answered with a body that is not JSON: is ${connection.url} a Gatehouse?`);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return failure(
    `Could not reach ${connection.url} (${cause?.code ?? cause?.message ?? (error as Error).message}). Check --url or GATEHOUSE_URL.`,
  );
}

/** Runs calls of the typed client against the connection's deployment; any failure exits 1 naming it. */
export async function withGatehouse<T>(io: Io, connection: Connection, calls: (gatehouse: Gatehouse) => Promise<T>): Promise<T> {
  try {
    return await calls(clientFor(io, connection));
  } catch (error) {
    throw failureOf(connection, error);
  }
}
