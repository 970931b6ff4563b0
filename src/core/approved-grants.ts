// What a grant a person approved in a browser (an authorization code, a device code) turns into
// for its client: the session it starts and, with `openid`, its ID token. The browser sign-in that
// approved it must still stand when the client comes for its tokens (a sign-out, a reset, a disable
// in between ends the grant), and the client's session carries that sign-in's authenticators (amr)
// and upstream provider, so the tokens say how the person signed in.
import { findSession } from '../store/session-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import { acrOf, decodeAmr, type AuthMethod } from './amr';
import type { Deps } from './deps';
import { AppError } from './errors';
import { issueIdToken } from './id-tokens';
import type { OAuthClientRow } from './oauth-clients';
import { type SessionRow, startSession, type StartedSession } from './sessions';

/** The user and the browser session that approved a grant, while both still stand. */
export interface ApprovingSignIn {
  user: UserRow;
  browser: SessionRow;
}

/** The approving sign-in, or null when the user is gone or disabled or that session has ended. */
export async function approvingSignIn(deps: Deps, userId: string, browserSessionId: string): Promise<ApprovingSignIn | null> {
  const [user, browser] = await Promise.all([findUserById(deps.db, userId), findSession(deps.db, browserSessionId)]);
  if (!user || user.disabled || !browser || browser.revokedAt !== null || browser.userEpoch < user.tokenEpoch) return null;
  return { user, browser };
}

/** What the spent grant said: its scope, and for the ID token its nonce, sign-in time and asked class. */
export interface SpentGrant {
  scope: string;
  nonce: string | null;
  authTime: number;
  /** Whether `acr_values` were asked for: then the ID token says the class this sign-in met. */
  acrAsked: boolean;
}

/** The started session, and how its person signed in (what its ID token says). */
export interface ClientSession {
  started: StartedSession;
  amr: AuthMethod[] | undefined;
  idp: string | undefined;
}

/**
 * Starts the client's rotating session from the approving sign-in. A user changed since it was read
 * (the session insert's INVALID_CREDENTIALS) is `refused(reason)`, the grant's own dialect.
 */
export async function startClientSession(
  deps: Deps,
  client: OAuthClientRow,
  { user, browser }: ApprovingSignIn,
  scope: string,
  refused: (reason: string) => AppError,
): Promise<ClientSession> {
  const amr = decodeAmr(browser.amr);
  const idp = browser.idp ?? undefined;
  const started = await startSession(
    deps,
    user,
    { rotates: true, clientId: client.id, scope, originSessionId: browser.id },
    { amr, idp },
  ).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'INVALID_CREDENTIALS' ? refused('the user changed') : error;
  });
  return { started, amr, idp };
}

/** The ID token of a client session, when its grant's scope has `openid`; undefined otherwise. */
export async function clientIdToken(
  deps: Deps,
  client: OAuthClientRow,
  user: UserRow,
  session: ClientSession,
  grant: SpentGrant,
): Promise<string | undefined> {
  const scopes = grant.scope.split(' ').filter(Boolean);
  if (!scopes.includes('openid')) return undefined;
  return issueIdToken(deps, {
    user,
    clientId: client.id,
    scopes,
    nonce: grant.nonce,
    authTime: grant.authTime,
    amr: session.amr,
    idp: session.idp,
    // Asked for with acr_values: the class this sign-in met (OpenID Connect Core 2).
    acr: grant.acrAsked ? acrOf(session.amr) : undefined,
  });
}
