// Who did what, to whom, and why: the vocabulary an audit record will be written in. Every request
// (and Cron run) carries an actor and a request id in Deps; every revocation and admin change names
// a reason from the unions below instead of a free string. An audit log plugs in where a change is
// made: `changeOf` gives the record, and the change's own batch (runBulkRevocation's `before` and
// `after`, a session's revoking statement) is where its row would be written. Nothing is written yet.

/** Who is acting: resolved from the request's credentials as it is authenticated (anonymous until then). */
export type ActorRef =
  /** No credential presented (yet): a sign-in, a registration, a reset by mailed code. */
  | { kind: 'anonymous' }
  /** The Worker itself: the Cron run (upkeep, mail, KV backlog). */
  | { kind: 'system' }
  /** The deployment's operator: the account token, or an ecosystem's server token. */
  | { kind: 'operator'; via: 'account_token' }
  | { kind: 'operator'; via: 'server_token'; tokenId: string; ecosystemId: string }
  /** A user of the role admin, acting with their token. */
  | { kind: 'admin'; userId: string }
  /** A user acting with their own token, session or password. */
  | { kind: 'user'; userId: string }
  /** A dynamically registered OAuth client managing itself with its registration access token (RFC 7592). */
  | { kind: 'client'; clientId: string }
  /** Whoever holds an initial access token the operator made (RFC 7591 3), registering a client. */
  | { kind: 'initial_access_token'; tokenId: string };

/** Why a session (or every session of a user) ended: the `revoked_reason` a session row records. */
export type RevocationReason =
  /** The user logged out (a face's logout, an external user's logout). */
  | 'logout'
  /** The hosted pages: this browser, one chosen device, every other device. */
  | 'sign_out'
  | 'sign_out_device'
  | 'sign_out_others'
  /** A client revoked its token (RFC 7009). */
  | 'oauth_revoke'
  /** A spent refresh token or authorization code came back: the session is taken as stolen. */
  | 'refresh_token_reuse'
  | 'authorization_code_reuse'
  /** The user started more than MAX_SESSIONS_PER_USER sessions: the oldest end. */
  | 'session_limit'
  /** The password was reset with a mailed code. */
  | 'password_reset'
  /** The password or e-mail changed: every other session ends. */
  | 'credentials_changed'
  /** The user was disabled, or their role changed (tokens carry the role). */
  | 'user_disabled'
  | 'role_changed'
  /** The user was deleted. */
  | 'user_deleted'
  /** The operator ended the session, or every session of the user. */
  | 'operator'
  /** The operator removed the user's second factors: sessions made with them end too. */
  | 'mfa_removed';

/** An admin change to a user that is not itself a revocation (each may come with one). */
export type AdminChangeReason = 'role_changed' | 'user_disabled' | 'user_enabled' | 'user_deleted' | 'grants_changed';

export type ChangeReason = RevocationReason | AdminChangeReason;

/** Whom a change was done to. */
export type ChangeSubject = { user: string } | { session: string; user?: string };

/** One change, as an audit record will keep it: who, to whom, why, when, in which request. */
export interface Change {
  actor: ActorRef;
  requestId: string;
  subject: ChangeSubject;
  reason: ChangeReason;
  /** Milliseconds since the epoch. */
  at: number;
}

/** The record of a change made under these request facts (a Deps). */
export function changeOf(
  context: { actor: ActorRef; requestId: string; now(): number },
  subject: ChangeSubject,
  reason: ChangeReason,
): Change {
  return { actor: context.actor, requestId: context.requestId, subject, reason, at: context.now() };
}
