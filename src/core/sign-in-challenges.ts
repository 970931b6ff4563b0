// The hosted pages' sign-in between a right password and its one-time code: a challenge row (5
// minutes, used once) holds whom the password proved and its failure keys, and the browser holds
// `<id>.<secret>` in the code form. No session exists until the code is right; then the session
// records both proofs (`amr: ["pwd", "otp", "mfa"]`). A reset, disable or role change since the
// password (a raised token epoch) ends the challenge. An `enrol` challenge is the same for an
// account the policy requires a second factor of (mfa-policy.ts) and that has none: its form sets
// up an authenticator app, whose first code is the second step.
import { secretMatchesHash, sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import * as repo from '../store/second-factor-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import { completeSignIn, type Proof } from './authenticators';
import type { Deps } from './deps';
import { AppError } from './errors';
import { countFailedStep } from './credentials';
import { confirmTotpSetup, pendingTotpSetup, proveWithOneTimeCode, startTotpSetup, type TotpSetup } from './second-factors';
import type { SessionOptions, StartedSession } from './sessions';

const CHALLENGE_TTL_MS = 5 * 60_000;

/** What a challenge's form asks for: the code of the account's factor, or the first code of a new one (enrolment). */
export type ChallengeKind = 'code' | 'enrol';

/** Opens a challenge for a user whose password step passed; the value the code form carries. */
export async function openSignInChallenge(deps: Deps, password: Proof, kind: ChallengeKind = 'code'): Promise<string> {
  const id = randomId();
  const secret = randomToken();
  const now = deps.now();
  await repo.insertChallengeQuery(deps.db, {
    id,
    userId: password.user.id,
    secretHash: sha256Hex(secret),
    kind,
    // A wrong code counts under the password's keys; a right one clears both.
    lockKeys: JSON.stringify(password.lockKeys),
    clearKeys: JSON.stringify(password.lockKeys),
    userEpoch: password.user.tokenEpoch,
    expiresAt: now + CHALLENGE_TTL_MS,
  });
  return `${id}.${secret}`;
}

function parseKeys(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
}

/** The live challenge a form names and its user, or INVALID_CODE (field `challenge`): unknown, spent, expired or stale. */
async function liveChallenge(
  deps: Deps,
  value: string,
  kind: ChallengeKind,
): Promise<{ challenge: repo.SignInChallengeRow; user: UserRow }> {
  const [id, secret, ...rest] = value.split('.');
  const stale = new AppError('INVALID_CODE', { field: 'challenge' });
  if (!id || !secret || rest.length > 0 || id.length > 64) throw stale;
  const challenge = await repo.findLiveChallenge(deps.db, id, deps.now());
  if (!challenge || challenge.kind !== kind || !secretMatchesHash(secret, challenge.secretHash)) throw stale;
  const user = await findUserById(deps.db, challenge.userId);
  if (!user || user.disabled || user.tokenEpoch !== challenge.userEpoch) throw stale;
  return { challenge, user };
}

/**
 * Finishes a challenged sign-in with a one-time code: the session, with both proofs. A wrong code is
 * INVALID_CODE (field `otp`) and counts toward the lockout; the challenge stays open for another try.
 */
export async function finishSignInChallenge(
  deps: Deps,
  value: string,
  code: string,
  options: SessionOptions,
): Promise<{ user: UserRow; session: StartedSession }> {
  const { challenge, user } = await liveChallenge(deps, value, 'code');
  const lockKeys = parseKeys(challenge.lockKeys);
  const otp = await proveWithOneTimeCode(deps, user, code, lockKeys);
  // Spent before the session starts: a challenge makes one session at most.
  if ((await repo.spendChallengeQuery(deps.db, challenge.id, deps.now())).length === 0)
    throw new AppError('INVALID_CODE', { field: 'challenge' });
  const password: Proof = { user, method: 'pwd', lockKeys, clearKeys: parseKeys(challenge.clearKeys) };
  return completeSignIn(deps, [password, otp], options);
}

/**
 * The authenticator-app setup an enrolment challenge shows: a new pending secret the first time,
 * the same one again after a wrong code. INVALID_CODE (field `challenge`) when the challenge is not live.
 */
export async function enrolmentSetup(deps: Deps, value: string): Promise<TotpSetup> {
  const { user } = await liveChallenge(deps, value, 'enrol');
  return (await pendingTotpSetup(deps, user)) ?? startTotpSetup(deps, user);
}

/**
 * Finishes an enrolment challenge: the first code turns the authenticator app on (its recovery
 * codes are answered, to be shown once), then the session starts with both proofs. A wrong code is
 * INVALID_CODE (field `otp`), counted toward the lockout; the challenge stays open for another try.
 */
export async function finishEnrolmentChallenge(
  deps: Deps,
  value: string,
  code: string,
  options: SessionOptions,
): Promise<{ user: UserRow; session: StartedSession; recoveryCodes: string[] }> {
  const { challenge, user } = await liveChallenge(deps, value, 'enrol');
  const lockKeys = parseKeys(challenge.lockKeys);
  let recoveryCodes: string[];
  try {
    recoveryCodes = await confirmTotpSetup(deps, user, code);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'INVALID_CODE')) throw error;
    await countFailedStep(deps, user, lockKeys);
    throw new AppError('INVALID_CODE', { field: 'otp' });
  }
  if ((await repo.spendChallengeQuery(deps.db, challenge.id, deps.now())).length === 0)
    throw new AppError('INVALID_CODE', { field: 'challenge' });
  const password: Proof = { user, method: 'pwd', lockKeys, clearKeys: parseKeys(challenge.clearKeys) };
  const otp: Proof = { user, method: 'otp', lockKeys, clearKeys: [] };
  return { ...(await completeSignIn(deps, [password, otp], options)), recoveryCodes };
}
