// Second factors: an authenticator app (TOTP, RFC 6238) and its ten recovery codes. Enrolment keeps
// a new secret pending until a first code confirms it; then the factor is on and the recovery codes
// are shown once (only their hashes are kept). The one-time-code step of a sign-in takes either kind
// of code: a TOTP code once (a step after the last one taken, one step of clock skew either way), a
// recovery code once; a wrong code counts toward the password step's lockout.
import { sha256Hex } from '../crypto/digest';
import { fromBase64, base64url } from '../crypto/encoding';
import { seal, unseal } from '../crypto/sealed';
import { matchingTotpStep, newTotpKey, totpKeyText, totpKeyUri, totpStepAt } from '../crypto/totp';
import { deletePasskeysOfUserQuery, passkeysOf } from '../store/passkey-repo';
import * as repo from '../store/second-factor-repo';
import type { UserRow } from '../store/user-repo';
import type { Proof } from './authenticators';
import { countFailedStep } from './credentials';
import type { Deps } from './deps';
import { AppError } from './errors';
import { batchWithEvents } from './events';
import { deliverOutbox, outboxInsertQuery, secondFactorChangedMail } from './mail';
import { mustKeepSecondFactor } from './mfa-policy';
import { requireRecentSignIn, type SignedIn } from './recent-sign-in';
import { runBulkRevocation } from './revocation';

export const RECOVERY_CODE_COUNT = 10;
/** A recovery code: 12 characters of base32 (60 bits), shown as xxxx-xxxx-xxxx. */
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export interface TotpSetup {
  /** The secret in base32, for people who cannot scan. */
  keyText: string;
  /** The otpauth:// URI for the QR code. */
  uri: string;
}

export interface SecondFactorState {
  totp: boolean;
  recoveryCodesLeft: number;
}

function sealingKey(deps: Deps): string {
  const key = deps.config.mfaEncryptionKey;
  if (!key) throw new AppError('FORBIDDEN', { reason: 'second factors are not configured on this service (MFA_ENCRYPTION_KEY)' });
  return key;
}

const context = (userId: string) => `totp:${userId}`;

function accountName(user: UserRow): string {
  return user.email ?? user.username ?? user.id;
}

/** Whether the user has a second factor that is on: every password sign-in then needs a code. */
export function hasSecondFactor(deps: Deps, userId: string): Promise<boolean> {
  return repo.hasConfirmedFactor(deps.db, userId);
}

export async function secondFactorState(deps: Deps, userId: string): Promise<SecondFactorState> {
  const [totp, recoveryCodesLeft] = await Promise.all([
    repo.hasConfirmedFactor(deps.db, userId),
    repo.countUnusedRecoveryCodes(deps.db, userId),
  ]);
  return { totp, recoveryCodesLeft };
}

const TOTP_PURPOSE = 'totp-key';

/** An authenticator app's key sealed under MFA_ENCRYPTION_KEY, bound to its owner (a copy on another row does not open). */
function sealTotpKey(key: string, secret: Uint8Array, userId: string): Promise<string> {
  return seal(key, TOTP_PURPOSE, base64url(secret), context(userId));
}

async function unsealTotpKey(key: string, sealed: string, userId: string): Promise<Uint8Array> {
  const opened = await unseal(key, TOTP_PURPOSE, sealed, context(userId));
  if (opened === null) throw new Error('an authenticator app key does not open under MFA_ENCRYPTION_KEY');
  return fromBase64(opened);
}

/** A new authenticator-app secret for the user, pending until confirmed (a pending one is replaced). */
export async function startTotpSetup(deps: Deps, user: UserRow): Promise<TotpSetup> {
  const key = sealingKey(deps);
  if (await repo.hasConfirmedFactor(deps.db, user.id)) throw new AppError('FORBIDDEN', { reason: 'an authenticator app is already on' });
  const secret = newTotpKey();
  await repo.savePendingTotpQuery(deps.db, user.id, await sealTotpKey(key, secret, user.id), deps.now());
  return { keyText: totpKeyText(secret), uri: totpKeyUri(deps.config.theme.productName, accountName(user), secret) };
}

/** The pending secret again (a wrong first code shows the same setup), or null when none is pending. */
export async function pendingTotpSetup(deps: Deps, user: UserRow): Promise<TotpSetup | null> {
  const row = await repo.findTotpFactor(deps.db, user.id);
  if (!row || row.confirmedAt !== null) return null;
  const secret = await unsealTotpKey(sealingKey(deps), row.sealedSecret, user.id);
  return { keyText: totpKeyText(secret), uri: totpKeyUri(deps.config.theme.productName, accountName(user), secret) };
}

/** The steps a code typed now may be for: this one and one either side (clock skew). */
function stepsNow(deps: Deps): number[] {
  const step = totpStepAt(deps.now());
  return [step, step - 1, step + 1];
}

/** The step `code` is right for under the user's factor, after its last taken step; null when none. */
async function matchingStep(deps: Deps, row: repo.TotpFactorRow, code: string): Promise<number | null> {
  const secret = await unsealTotpKey(sealingKey(deps), row.sealedSecret, row.userId);
  return matchingTotpStep(
    secret,
    code,
    stepsNow(deps).filter((step) => step > row.lastStep),
  );
}

function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const text = Array.from(bytes, (byte) => RECOVERY_ALPHABET[byte & 31]).join('');
  return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8)}`;
}

/** Recovery codes are typed with or without dashes and spaces, in either case. */
function recoveryCodeHash(userId: string, code: string): string {
  return sha256Hex(`recovery\n${userId}\n${code.toLowerCase().replace(/[\s-]/g, '')}`);
}

/** The owner's notice of a change to their second factors, for the change's own batch (none without an address). */
function noticeQueries(deps: Deps, user: UserRow | undefined, what: 'on' | 'off' | 'removed') {
  if (!user?.email) return [];
  deps.defer('deliver_mail', () => deliverOutbox(deps));
  return [outboxInsertQuery(deps, secondFactorChangedMail(deps, user.email, what))];
}

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/**
 * Turns the pending authenticator app on with its first code; answers the ten recovery codes (the
 * only time they are shown). INVALID_CODE for a wrong code or no pending setup.
 */
export async function confirmTotpSetup(deps: Deps, user: UserRow, code: string): Promise<string[]> {
  const row = await repo.findTotpFactor(deps.db, user.id);
  if (!row || row.confirmedAt !== null) throw new AppError('INVALID_CODE', { field: 'code' });
  const step = await matchingStep(deps, row, code.replace(/\s/g, ''));
  if (step === null) throw new AppError('INVALID_CODE', { field: 'code' });
  const codes = newRecoveryCodes();
  const now = deps.now();
  const hashes = codes.map((one) => recoveryCodeHash(user.id, one));
  // The codes are written only by the request whose confirmation took (a concurrent one keeps its own).
  const tookIt = repo.factorOnGuard(user.id, { step, at: now });
  const [turnedOn] = (await batchWithEvents(
    deps,
    [repo.takeTotpStepQuery(deps.db, user.id, step, now, true), ...repo.replaceRecoveryCodesQueries(deps.db, user.id, hashes, tookIt)],
    [{ type: 'mfa.enrolled', userId: user.id, details: { factor: 'totp' }, guard: tookIt }],
  )) as [unknown[]];
  if (turnedOn.length > 0 && user.email) {
    await outboxInsertQuery(deps, secondFactorChangedMail(deps, user.email, 'on'));
    deps.defer('deliver_mail', () => deliverOutbox(deps));
  }
  if (turnedOn.length === 0) throw new AppError('INVALID_CODE', { field: 'code' });
  return codes;
}

/** A new set of recovery codes (the old set dies); only while a factor is on. */
export async function renewRecoveryCodes(deps: Deps, user: UserRow): Promise<string[]> {
  if (!(await repo.hasConfirmedFactor(deps.db, user.id))) throw new AppError('FORBIDDEN', { reason: 'no second factor is on' });
  const codes = newRecoveryCodes();
  const hashes = codes.map((one) => recoveryCodeHash(user.id, one));
  await deps.db.batch([...repo.replaceRecoveryCodesQueries(deps.db, user.id, hashes, repo.factorOnGuard(user.id))]);
  return codes;
}

/** Removes every second factor of the user (their own choice, after a recent sign-in). */
async function removeSecondFactors(deps: Deps, user: UserRow): Promise<void> {
  await batchWithEvents(
    deps,
    [repo.deleteTotpQuery(deps.db, user.id), repo.deleteRecoveryCodesQuery(deps.db, user.id), ...noticeQueries(deps, user, 'off')],
    [{ type: 'mfa.removed', userId: user.id, details: { by: 'user' } }],
  );
}

/**
 * The operator's removal of a user's second factors (a lost phone and lost codes): the factors go
 * and every session of the user ends, in one batch, so whoever signs in next does so afresh.
 */
export async function removeSecondFactorsByOperator(deps: Deps, user: UserRow): Promise<void> {
  const [totp, passkeys] = await Promise.all([repo.findTotpFactor(deps.db, user.id), passkeysOf(deps.db, user.id)]);
  const factors = [...(totp?.confirmedAt != null ? ['totp'] : []), ...(passkeys.length > 0 ? ['passkey'] : [])];
  const had = factors.length > 0;
  await runBulkRevocation(deps, user.id, 'mfa_removed', {
    before: [
      repo.deleteTotpQuery(deps.db, user.id),
      repo.deleteRecoveryCodesQuery(deps.db, user.id),
      // A lost device is why the operator is asked: its passkeys go too.
      deletePasskeysOfUserQuery(deps.db, user.id),
    ],
    after: had ? noticeQueries(deps, user, 'removed') : [],
    events: had ? [{ type: 'mfa.removed', userId: user.id, details: { by: 'operator', factors } }] : [],
  });
}

/** Whether a one-time code is right for the user, spending it if so (a TOTP step, or a recovery code). */
async function spendOneTimeCode(deps: Deps, user: UserRow, code: string): Promise<boolean> {
  const typed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(typed)) {
    const row = await repo.findTotpFactor(deps.db, user.id);
    if (!row || row.confirmedAt === null) return false;
    const step = await matchingStep(deps, row, typed);
    if (step === null) return false;
    return (await repo.takeTotpStepQuery(deps.db, user.id, step, deps.now(), false)).length > 0;
  }
  if (typed.length > 64) return false;
  return (await repo.spendRecoveryCodeQuery(deps.db, user.id, recoveryCodeHash(user.id, typed), deps.now())).length > 0;
}

/**
 * The one-time-code step of a sign-in whose password step proved `user` (with its failure keys): a
 * Proof (`otp`), or INVALID_CODE, counted toward the lockout like a wrong password.
 */
export async function proveWithOneTimeCode(deps: Deps, user: UserRow, code: string, lockKeys: readonly string[]): Promise<Proof> {
  if (await spendOneTimeCode(deps, user, code)) return { user, method: 'otp', lockKeys: [...lockKeys], clearKeys: [] };
  await countFailedStep(deps, user, lockKeys);
  throw new AppError('INVALID_CODE', { field: 'otp' });
}

/**
 * The steps after a password that the sign-in brings: a one-time code when one was sent and the
 * user has a second factor on (a code sent for an account without one is ignored). Without a code,
 * none: the session's insert itself then refuses a user with a factor (MFA_REQUIRED, sessions.ts),
 * which is asked only after a right password, so a wrong password answers the same either way.
 */
export async function furtherSteps(deps: Deps, password: Proof, otp: string | undefined): Promise<Proof[]> {
  if (otp === undefined || otp.trim() === '') return [];
  if (!(await hasSecondFactor(deps, password.user.id))) return [];
  return [await proveWithOneTimeCode(deps, password.user, otp, password.lockKeys)];
}

/**
 * Turns the signed-in user's second factors off; REAUTHENTICATION_REQUIRED when the sign-in is
 * older than 5 minutes, FORBIDDEN where the policy requires one (mfa-policy.ts).
 */
export async function turnOffSecondFactors(deps: Deps, current: SignedIn): Promise<void> {
  requireRecentSignIn(deps, current);
  if (await mustKeepSecondFactor(deps, current.user)) {
    throw new AppError('FORBIDDEN', { reason: 'the policy of this account requires a second factor' });
  }
  await removeSecondFactors(deps, current.user);
}
