// The token endpoint's authorization_code grant: a code is good once, for the client it was issued
// to, with the redirect URI and PKCE verifier it was issued for, within its minute, while the
// browser session that authorized it still stands. One conditional UPDATE spends it; a code
// presented after it was spent revokes the session its first exchange started (RFC 6749 4.1.2,
// OAuth 2.1 4.1.3), and whichever of "exchange recorded its session" and "replay seen" lands second
// does the revoking, so the race between them cannot let the session live.
import { sha256Hex } from '../crypto/digest';
import * as codes from '../store/oauth-client-repo';
import { approvingSignIn, clientIdToken, startClientSession } from './approved-grants';
import { verifierMatches } from './authorization';
import type { Deps } from './deps';
import { AppError } from './errors';
import type { OAuthClientRow } from './oauth-clients';
import { revokeSessionIfAny, type StartedSession } from './sessions';

export interface CodeExchange {
  code: string;
  redirectUri: string | undefined;
  /** Absent only for a code requested without PKCE. */
  codeVerifier: string | undefined;
}

export interface ExchangedCode extends StartedSession {
  scope: string;
  idToken?: string;
}

const invalidGrant = (reason: string) => new AppError('INVALID_CODE', { reason });

/** A spent code presented again: mark it, and end what its exchange started (if recorded yet). */
async function replayed(deps: Deps, codeHash: string): Promise<never> {
  const [row] = await codes.markCodeReplayed(deps.db, codeHash, deps.now());
  if (row?.issuedSessionId) {
    await revokeSessionIfAny(deps, row.issuedSessionId, 'authorization_code_reuse');
    deps.log.info('authorization_code_reuse_revoked_session', { sessionId: row.issuedSessionId });
  }
  throw invalidGrant('the code was already used');
}

export async function exchangeCode(deps: Deps, client: OAuthClientRow, request: CodeExchange): Promise<ExchangedCode> {
  const codeHash = sha256Hex(request.code);
  const found = await codes.findCode(deps.db, codeHash);
  if (!found || found.clientId !== client.id) throw invalidGrant('unknown code');
  if (found.usedAt !== null) return replayed(deps, codeHash);
  if (found.expiresAt <= deps.now()) throw invalidGrant('the code has expired');
  if ((request.redirectUri ?? found.redirectUri) !== found.redirectUri) throw invalidGrant('redirect_uri does not match');
  if (!verifierMatches(request.codeVerifier, found.codeChallenge)) throw invalidGrant('code_verifier does not match');

  // The browser session that authorized it must still stand (a sign-out or reset in the minute ends
  // the code). Read before the code is spent: a read that fails then leaves the code good for a retry.
  const signIn = await approvingSignIn(deps, found.userId, found.browserSessionId);
  if (!signIn) throw invalidGrant('the sign-in behind the code has ended');
  const [spent] = await codes.spendCode(deps.db, codeHash, deps.now());
  if (!spent) {
    const again = await codes.findCode(deps.db, codeHash);
    if (again?.usedAt != null) return replayed(deps, codeHash);
    throw invalidGrant('the code has expired');
  }
  const session = await startClientSession(deps, client, signIn, spent.scope, invalidGrant);
  const [recorded] = await codes.recordIssuedSession(deps.db, codeHash, session.started.sessionId);
  if (recorded?.replayedAt != null) {
    await revokeSessionIfAny(deps, session.started.sessionId, 'authorization_code_reuse');
    throw invalidGrant('the code was already used');
  }
  const idToken = await clientIdToken(deps, client, signIn.user, session, {
    scope: spent.scope,
    nonce: spent.nonce,
    authTime: spent.authTime,
    acrAsked: !!spent.acrValues,
  });
  return { ...session.started, scope: spent.scope, ...(idToken ? { idToken } : {}) };
}
