// The hosted pages' session: a row of the sessions table (kind `browser`, never rotating) whose
// `<session id>.<secret>` lives only in an HttpOnly cookie on Gatehouse's own host. It is no refresh
// token (the token endpoint refuses it), and every revocation rule that ends sessions ends it: a
// logout, a reset, a disable, a role change and the operator's revoke all mark it revoked or raise
// the user's epoch past the one it was stamped with.
import { secretMatchesHash } from '../crypto/digest';
import * as repo from '../store/session-repo';
import type { SessionRow } from '../store/session-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import { issueAccessToken, type IssuedAccessToken } from './access-tokens';
import { actAs, actorOfUser } from './actors';
import type { RevocationReason } from './changes';
import type { Deps } from './deps';
import { AppError } from './errors';
import { batchWithEvents } from './events';
import { completeSignIn } from './authenticators';
import { proveWithPassword } from './login';
import { proveWithPasskey } from './passkeys';
import { finishEnrolmentChallenge, finishSignInChallenge, openSignInChallenge, type ChallengeKind } from './sign-in-challenges';
import { publishSessionRevoked, runBulkRevocation, tokenLifetimeSeconds } from './revocation';
import { listLiveSessions, parseRefreshToken, startSession, type SessionOptions } from './sessions';

export interface BrowserSession {
  user: UserRow;
  session: SessionRow;
  /** When the user proved who they are (OpenID Connect's `auth_time`), in seconds. */
  authTime: number;
}

/** A browser sign-in's outcome: a session, or (an account with a second factor) a challenge for its code. */
export type BrowserSignIn =
  | { cookie: string; maxAgeSeconds: number; user: UserRow; challenge?: undefined }
  | { challenge: string; kind: ChallengeKind };

const BROWSER: SessionOptions = { rotates: false, kind: 'browser' };

/**
 * Signs in with a password: the value for the session cookie and how long it lives; for an account
 * with a second factor, no session yet but a challenge that its one-time code finishes; for one
 * the policy requires a second factor of and that has none, an enrolment challenge.
 * The account is DEFAULT_ECOSYSTEM's unless `ecosystemId` names another (a sign-in on the way to the console).
 */
export async function signIn(deps: Deps, login: string, password: string, ecosystemId?: string): Promise<BrowserSignIn> {
  const first = await proveWithPassword(deps, { emailOrUsername: login }, password, ecosystemId);
  try {
    const { user, session } = await completeSignIn(deps, [first], BROWSER);
    return { cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn, user };
  } catch (error) {
    if (!(error instanceof AppError) || !['MFA_REQUIRED', 'MFA_ENROLLMENT_REQUIRED'].includes(error.code)) throw error;
    const kind = error.code === 'MFA_REQUIRED' ? 'code' : 'enrol';
    return { challenge: await openSignInChallenge(deps, first, kind), kind };
  }
}

/** Finishes an enrolment challenge with the new app's first code: the session, and the recovery codes to show once. */
export async function signInWithEnrolment(
  deps: Deps,
  challenge: string,
  code: string,
): Promise<{ cookie: string; maxAgeSeconds: number; recoveryCodes: string[] }> {
  const { session, recoveryCodes } = await finishEnrolmentChallenge(deps, challenge, code, BROWSER);
  return { cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn, recoveryCodes };
}

/** Finishes a challenged sign-in with its one-time code (sign-in-challenges.ts). */
export async function signInWithCode(deps: Deps, challenge: string, code: string): Promise<{ cookie: string; maxAgeSeconds: number }> {
  const { session } = await finishSignInChallenge(deps, challenge, code, BROWSER);
  return { cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn };
}

/** Signs in with a passkey alone (passkeys.ts): the answer to a sign-in challenge. */
export async function signInWithPasskey(
  deps: Deps,
  challengeId: string,
  response: string,
): Promise<{ cookie: string; maxAgeSeconds: number }> {
  const proof = await proveWithPasskey(deps, challengeId, response);
  const { session } = await completeSignIn(deps, [proof], BROWSER);
  return { cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn };
}

/**
 * A browser session for a user just created with a password (the sign-up page): no second
 * password check; it starts only while D1 still holds the user as created.
 */
export async function startBrowserSession(deps: Deps, user: UserRow): Promise<{ cookie: string; maxAgeSeconds: number }> {
  const session = await startSession(deps, user, { rotates: false, kind: 'browser' });
  return { cookie: session.refreshToken, maxAgeSeconds: session.refreshExpiresIn };
}

/**
 * The live browser session a cookie names, or null: unknown, wrong secret, revoked, expired, a user
 * disabled or with a raised epoch all read as "not signed in". One D1 read for the session and one
 * for the user; no write.
 */
export async function resolveBrowserSession(deps: Deps, cookie: string | undefined): Promise<BrowserSession | null> {
  if (!cookie) return null;
  let parsed: ReturnType<typeof parseRefreshToken>;
  try {
    parsed = parseRefreshToken(cookie);
  } catch {
    return null;
  }
  const session = await repo.findSession(deps.db, parsed.sessionId);
  const now = deps.now();
  if (session?.kind !== 'browser' || session.revokedAt !== null) return null;
  if (session.expiresAt !== null && session.expiresAt <= now) return null;
  if (!secretMatchesHash(parsed.secret, session.secretHash ?? '')) return null;
  const user = await findUserById(deps.db, session.userId);
  if (!user || user.disabled || session.userEpoch < user.tokenEpoch) return null;
  actAs(deps, actorOfUser(user));
  return { user, session, authTime: Math.floor(session.createdAt / 1000) };
}

/**
 * Ends the browser session a cookie names, if it is live (signing out twice is no error), and in
 * the same statement every session an application's code grant started from it: an application's
 * refresh token does not outlive the sign-in it rests on (Keycloak's SSO logout does the same).
 * Access tokens already issued end as any revoked session's do (the edge's bound, README).
 */
export async function signOut(deps: Deps, cookie: string | undefined): Promise<void> {
  const current = await resolveBrowserSession(deps, cookie);
  if (!current) return;
  const now = deps.now();
  const sessionId = current.session.id;
  const [ended] = (await batchWithEvents(
    deps,
    [repo.revokeSessionAndItsOffspringQuery(deps.db, sessionId, 'sign_out', now)],
    [
      {
        type: 'session.ended',
        userId: current.user.id,
        guard: repo.sessionRevokedGuard(sessionId, 'sign_out', now),
        details: { sessionId, reason: 'sign_out' },
      },
    ],
  )) as [SessionRow[]];
  await Promise.all(ended.map((row) => publishSessionRevoked(deps, row.id, tokenLifetimeSeconds(deps, row))));
}

/**
 * A short-lived access token for the browser session, carrying its id and epoch: ending the
 * session (or raising the user's epoch) ends the token with it. For the gateway's website cookie.
 */
export function accessTokenForBrowser(deps: Deps, current: BrowserSession): Promise<IssuedAccessToken> {
  return issueAccessToken(deps, current.user, current.session);
}

/** The signed-in user's live sessions (browser, API and user tokens), newest first. */
export function sessionsOf(deps: Deps, current: BrowserSession): Promise<SessionRow[]> {
  return listLiveSessions(deps, current.user.id);
}

/**
 * Ends one live session of the signed-in user ("sign out this device"). A session id of another
 * user, or of no live session, is SESSION_NOT_FOUND and ends nothing: the statement itself checks
 * the owner.
 */
export async function signOutDevice(deps: Deps, current: BrowserSession, sessionId: string): Promise<void> {
  const reason: RevocationReason = 'sign_out_device';
  const now = deps.now();
  const [[row]] = (await batchWithEvents(
    deps,
    [repo.revokeUserSessionQuery(deps.db, current.user.id, sessionId, reason, now)],
    [
      {
        type: 'session.ended',
        userId: current.user.id,
        guard: repo.sessionRevokedGuard(sessionId, reason, now),
        details: { sessionId, reason },
      },
    ],
  )) as [SessionRow[]];
  if (!row) throw new AppError('SESSION_NOT_FOUND', { field: 'session' });
  await publishSessionRevoked(deps, row.id, tokenLifetimeSeconds(deps, row));
}

/**
 * Ends every session and token of the user but this browser's ("sign out all other devices"):
 * the bulk revocation that keeps one session, moved to the new epoch, as a password change does.
 */
export async function signOutOtherDevices(deps: Deps, current: BrowserSession): Promise<void> {
  await runBulkRevocation(deps, current.user.id, 'sign_out_others', {
    keepSessionId: current.session.id,
    events: [{ type: 'sessions.revoked', userId: current.user.id, details: { reason: 'sign_out_others' } }],
  });
}
