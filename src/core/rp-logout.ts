// OpenID Connect RP-initiated logout: where the browser may be sent after signing out (only one
// of the client's registered post-logout URIs, matched exactly) and whose session the request may
// end (with an id_token_hint, only its subject's).
import { AuthorizationError } from './authorization';
import type { Deps } from './deps';
import { readIdTokenHint } from './id-tokens';
import { findClient } from './oauth-clients';

export interface LogoutRequest {
  idTokenHint?: string;
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

export interface LogoutPlan {
  /** The registered URI (with `state`), or null to go to the sign-in page. */
  redirectTo: string | null;
  /** The user the hint names: only their browser session may be ended. Null: no hint. */
  subject: string | null;
}

export async function planLogout(deps: Deps, request: LogoutRequest): Promise<LogoutPlan> {
  const hinted = request.idTokenHint === undefined ? null : await readIdTokenHint(deps, request.idTokenHint);
  if (request.idTokenHint !== undefined && !hinted)
    throw new AuthorizationError('invalid_request', 'The sign-out request carries an ID token this service did not issue.');
  if (hinted && request.clientId !== undefined && hinted.clientId !== request.clientId) {
    throw new AuthorizationError('invalid_request', 'The sign-out request names two different applications.');
  }
  const clientId = request.clientId ?? hinted?.clientId;
  if (request.postLogoutRedirectUri === undefined) return { redirectTo: null, subject: hinted?.sub ?? null };
  const client = clientId === undefined ? undefined : await findClient(deps, clientId);
  if (!client?.postLogoutRedirectUris.includes(request.postLogoutRedirectUri)) {
    throw new AuthorizationError('invalid_request', 'The address to return to after signing out is not registered for this application.');
  }
  const target = new URL(request.postLogoutRedirectUri);
  if (request.state !== undefined) target.searchParams.append('state', request.state);
  return { redirectTo: target.toString(), subject: hinted?.sub ?? null };
}
