// Passkeys (WebAuthn discoverable credentials), through @simplewebauthn/server. The relying party is
// PUBLIC_URL's host (its origin is the only one accepted). Each ceremony's challenge is a D1 row for
// 5 minutes, spent by the statement that checks it, so a signed answer counts once. A sign-in moves
// the signature counter only forward: a counter that does not grow (when the authenticator keeps
// one) is a cloned authenticator, refused. A passkey used with user verification proves two factors
// (possession and a PIN or biometric) and is a complete sign-in (amr `hwk` or `swk`, and `mfa`);
// without user verification it is one factor, like a password alone.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { base64url, fromBase64 } from '../crypto/encoding';
import { randomId } from '../crypto/random';
import { uniqueViolation } from '../store/db';
import * as repo from '../store/passkey-repo';
import { findUserById, type UserRow } from '../store/user-repo';
import type { Proof } from './authenticators';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { batchWithEvents } from './events';
import { deliverOutbox, outboxInsertQuery, passkeyChangedMail } from './mail';
import { requireRecentSignIn, type SignedIn } from './recent-sign-in';

const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEY_NAME_MAX_LENGTH = 64;
export const MAX_PASSKEYS_PER_USER = 20;
/** The longest signed answer read: a passkey's answer is a few kilobytes at most. */
export const PASSKEY_RESPONSE_MAX_LENGTH = 16_384;

export interface PasskeyCeremony<Options> {
  /** The challenge's row, which the answer names. */
  challengeId: string;
  /** What the browser's navigator.credentials call takes, in WebAuthn's JSON form. */
  options: Options;
}

/** A passkey as its owner sees it listed. */
export interface PasskeySummary {
  id: string;
  name: string;
  synced: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** PUBLIC_URL's host and origin (else the request's): an IP address cannot be a relying party id. */
function relyingParty(deps: Deps): RelyingParty {
  const url = new URL(deps.publicUrl);
  return { id: url.hostname, origin: url.origin, name: deps.config.theme.productName };
}

async function openChallenge(deps: Deps, purpose: repo.ChallengePurpose, userId: string | null, challenge: string): Promise<string> {
  const id = randomId();
  await repo.insertChallengeQuery(deps.db, { id, challenge, purpose, userId, expiresAt: deps.now() + CHALLENGE_TTL_MS });
  return id;
}

/** The challenge's value once spent; PASSKEY_REFUSED when it is unknown, spent, expired or another's. */
async function spendChallenge(deps: Deps, id: string, purpose: repo.ChallengePurpose, userId: string | null): Promise<string> {
  const [spent] = id.length > 64 ? [] : await repo.spendChallengeQuery(deps.db, id, purpose, userId, deps.now());
  if (!spent) throw new AppError('PASSKEY_REFUSED', { field: 'challenge', reason: 'expired or already used' });
  return spent.challenge;
}

/** The browser's answer, as far as its shape: a JSON object with a credential id. */
function parseAnswer<T extends { id: string; response: object }>(text: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const answer = parsed as Partial<T> | null;
  if (
    typeof answer !== 'object' ||
    answer === null ||
    typeof answer.id !== 'string' ||
    answer.id.length > 1024 ||
    typeof answer.response !== 'object'
  ) {
    throw new AppError('PASSKEY_REFUSED', { field: 'response', reason: 'not a WebAuthn answer' });
  }
  return answer as T;
}

function transportsOf(row: repo.PasskeyRow): string[] | undefined {
  try {
    const parsed: unknown = row.transports ? JSON.parse(row.transports) : undefined;
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : undefined;
  } catch {
    return undefined;
  }
}

function accountName(user: UserRow): string {
  return user.email ?? user.username ?? user.id;
}

/** The owner's notice of a passkey added or removed, for the change's own batch (none without an address). */
function noticeQueries(deps: Deps, user: UserRow, what: 'added' | 'removed', name: string) {
  if (!user.email) return [];
  deps.defer('deliver_mail', () => deliverOutbox(deps));
  return [outboxInsertQuery(deps, passkeyChangedMail(deps, user.email, what, name))];
}

export async function passkeysOfUser(deps: Deps, userId: string): Promise<PasskeySummary[]> {
  const rows = await repo.passkeysOf(deps.db, userId);
  return rows.map(({ id, name, synced, createdAt, lastUsedAt }) => ({ id, name, synced, createdAt, lastUsedAt }));
}

/** The options for adding a passkey (a discoverable credential; user verification preferred); needs a recent sign-in. */
export async function startAddingPasskey(deps: Deps, current: SignedIn): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  requireRecentSignIn(deps, current);
  const { user } = current;
  const existing = await repo.passkeysOf(deps.db, user.id);
  if (existing.length >= MAX_PASSKEYS_PER_USER)
    throw new AppError('LIMIT_EXCEEDED', { reason: `at most ${MAX_PASSKEYS_PER_USER} passkeys` });
  const rp = relyingParty(deps);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: accountName(user),
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: 'none',
    timeout: CHALLENGE_TTL_MS,
    excludeCredentials: existing.map((row) => ({ id: row.id, transports: transportsOf(row) as never })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
  });
  return { challengeId: await openChallenge(deps, 'register', user.id, options.challenge), options };
}

function passkeyName(deps: Deps, typed: string): string {
  const name = typed.trim();
  if (name.length > PASSKEY_NAME_MAX_LENGTH) throw invalidField('name', `must be at most ${PASSKEY_NAME_MAX_LENGTH} characters`);
  return name || `Passkey added ${new Date(deps.now()).toISOString().slice(0, 10)}`;
}

/**
 * Adds the passkey of a registration answer to the signed-in user (recent sign-in needed): the
 * challenge must be theirs and live, the answer from this relying party's origin and for its id.
 */
export async function addPasskey(
  deps: Deps,
  current: SignedIn,
  input: { challengeId: string; response: string; name: string },
): Promise<PasskeySummary> {
  requireRecentSignIn(deps, current);
  const { user } = current;
  const name = passkeyName(deps, input.name);
  const answer = parseAnswer<RegistrationResponseJSON>(input.response);
  const expectedChallenge = await spendChallenge(deps, input.challengeId, 'register', user.id);
  const rp = relyingParty(deps);
  const verified = await verifyRegistrationResponse({
    response: answer,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch((error: unknown) => refused(deps, 'register', error));
  if (!verified.verified) refused(deps, 'register', 'not verified');
  const { credential, credentialBackedUp, credentialDeviceType } = verified.registrationInfo!;
  const now = deps.now();
  const synced = credentialDeviceType === 'multiDevice' || credentialBackedUp;
  try {
    await batchWithEvents(
      deps,
      [
        repo.insertPasskeyQuery(deps.db, {
          id: credential.id,
          userId: user.id,
          publicKey: base64url(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ? JSON.stringify(credential.transports) : null,
          name,
          synced,
          createdAt: now,
        }),
        ...noticeQueries(deps, user, 'added', name),
      ],
      [{ type: 'mfa.passkey_added', userId: user.id, details: { credentialId: credential.id, name } }],
    );
  } catch (error) {
    if (uniqueViolation(error)) throw new AppError('PASSKEY_REFUSED', { field: 'response', reason: 'this passkey is already registered' });
    throw error;
  }
  return { id: credential.id, name, synced, createdAt: now, lastUsedAt: null };
}

/** Removes one of the signed-in user's passkeys (recent sign-in needed); PASSKEY_NOT_FOUND when it is not theirs. */
export async function removePasskey(deps: Deps, current: SignedIn, passkeyId: string): Promise<void> {
  requireRecentSignIn(deps, current);
  const { user } = current;
  const row = passkeyId.length > 1024 ? undefined : await repo.findPasskey(deps.db, passkeyId);
  if (!row || row.userId !== user.id) throw new AppError('PASSKEY_NOT_FOUND', { field: 'passkey' });
  await batchWithEvents(
    deps,
    [repo.deletePasskeyQuery(deps.db, user.id, passkeyId), ...noticeQueries(deps, user, 'removed', row.name)],
    [{ type: 'mfa.passkey_removed', userId: user.id, details: { credentialId: passkeyId, name: row.name, by: 'user' } }],
  );
}

/** The options for a sign-in with any passkey of this relying party (no username: discoverable credentials). */
export async function startPasskeySignIn(deps: Deps): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const rp = relyingParty(deps);
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'preferred', timeout: CHALLENGE_TTL_MS });
  return { challengeId: await openChallenge(deps, 'signin', null, options.challenge), options };
}

function refused(deps: Deps, ceremony: string, error: unknown): never {
  // The library's reason names what did not match (origin, RP id hash, counter), never a secret.
  deps.log.info('passkey_refused', { ceremony, reason: error instanceof Error ? error.message : String(error) });
  throw new AppError('PASSKEY_REFUSED');
}

/**
 * The passkey step of a sign-in: a Proof (`hwk`, or `swk` for a synced passkey; user-verified when
 * the authenticator verified its person), or PASSKEY_REFUSED: an unknown, spent or expired
 * challenge, an unknown passkey, a disabled user, an answer for another origin or relying party, a
 * bad signature, a counter that did not move forward.
 */
export async function proveWithPasskey(deps: Deps, challengeId: string, response: string): Promise<Proof> {
  const answer = parseAnswer<AuthenticationResponseJSON>(response);
  const expectedChallenge = await spendChallenge(deps, challengeId, 'signin', null);
  const row = await repo.findPasskey(deps.db, answer.id);
  if (!row) refused(deps, 'signin', 'unknown passkey');
  const user = await findUserById(deps.db, row.userId);
  if (!user || user.disabled) refused(deps, 'signin', 'no such user');
  const handle = answer.response.userHandle;
  if (handle !== undefined && handle !== base64url(new TextEncoder().encode(user.id))) refused(deps, 'signin', 'another user handle');
  const rp = relyingParty(deps);
  const verified = await verifyAuthenticationResponse({
    response: answer,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: row.id,
      publicKey: new Uint8Array(fromBase64(row.publicKey)),
      counter: row.counter,
      transports: transportsOf(row) as never,
    },
    requireUserVerification: false,
  }).catch((error: unknown) => refused(deps, 'signin', error));
  if (!verified.verified) refused(deps, 'signin', 'not verified');
  const { newCounter, userVerified } = verified.authenticationInfo;
  const used = await repo.usePasskeyQuery(deps.db, row.id, row.counter, newCounter, deps.now());
  if (used.length === 0) refused(deps, 'signin', 'counter moved meanwhile');
  return { user, method: row.synced ? 'swk' : 'hwk', lockKeys: [], clearKeys: [], userVerified };
}
