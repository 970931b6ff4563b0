// How a person proved who they are: the authenticator seam. A sign-in is a sequence of steps; each
// step (a password today; a one-time code, a passkey or an upstream provider later) checks one
// authenticator and yields a `Proof`. `completeSignIn` takes the proofs, checks what every sign-in
// must (one user, a confirmed address) and starts the session, which records the methods as an
// RFC 8176 `amr` list that ID tokens (and default-profile access tokens) carry. A new factor is a
// new step that returns a Proof; the faces, which call a step and then `completeSignIn` (or
// `logInWithPassword`, the two together), do not change.
import type { UserRow } from '../store/user-repo';
import { actAs, actorOfUser } from './actors';
import type { Deps } from './deps';
import { AppError } from './errors';
import type { AuthMethod } from './amr';
import { startSession, type SessionOptions, type StartedSession } from './sessions';

/** One step of a sign-in that succeeded: whom it proved, how, and what starting the session must still hold. */
export interface Proof {
  user: UserRow;
  method: Exclude<AuthMethod, 'mfa'>;
  /** The session starts only while none of these failure keys is locked (a password step's lockout). */
  lockKeys: string[];
  /** Failure keys to clear in the session's own batch once it started. */
  clearKeys: string[];
  /** An upstream identity provider's step: the provider's id (the session's and ID token's `idp`). */
  idp?: string;
  /**
   * A passkey step whose authenticator verified its person (a PIN or biometric): possession and
   * that together are two factors in one step (amr `mfa`).
   */
  userVerified?: boolean;
}

/** Whether the step counts as two factors by itself (a user-verified passkey). */
function twoFactorStep(proof: Pick<Proof, 'method' | 'userVerified'>): boolean {
  return (proof.method === 'hwk' || proof.method === 'swk') && proof.userVerified === true;
}

/**
 * Whether the sign-in is one factor that a second factor on the account must back: a password,
 * or a passkey without user verification. (An upstream provider answers for its own factors.)
 */
function oneFactorSignIn(proofs: readonly Pick<Proof, 'method' | 'userVerified'>[]): boolean {
  return (
    proofs.length === 1 &&
    (proofs[0]!.method === 'pwd' || ((proofs[0]!.method === 'hwk' || proofs[0]!.method === 'swk') && !twoFactorStep(proofs[0]!)))
  );
}

/**
 * The `amr` of a sign-in made of these proofs: each method once, in order, and `mfa` when there are
 * several or one step was two factors (a user-verified passkey: `["hwk", "mfa"]`).
 */
export function amrOf(proofs: readonly Pick<Proof, 'method' | 'userVerified'>[]): AuthMethod[] {
  const methods: AuthMethod[] = [...new Set(proofs.map((proof) => proof.method))];
  return methods.length > 1 || proofs.some(twoFactorStep) ? [...methods, 'mfa'] : methods;
}

/**
 * The last step of every sign-in: the proofs must name one user, whose address must be confirmed
 * (checked after the first factor, so only whoever passed it learns the address is unconfirmed);
 * then the session starts, recording the proofs' `amr` in the statement that inserts it.
 */
export async function completeSignIn(
  deps: Deps,
  proofs: readonly Proof[],
  options: SessionOptions,
): Promise<{ user: UserRow; session: StartedSession }> {
  const [first] = proofs;
  if (!first) throw new AppError('INVALID_CREDENTIALS');
  if (proofs.some((proof) => proof.user.id !== first.user.id)) throw new AppError('INVALID_CREDENTIALS');
  // The last step's read of the user is the freshest (a rehashed password, say).
  const user = proofs[proofs.length - 1]!.user;
  if (!user.confirmed) throw new AppError('USER_NOT_CONFIRMED');
  const session = await startSession(deps, user, options, {
    lockKeys: proofs.flatMap((proof) => proof.lockKeys),
    clearKeys: proofs.flatMap((proof) => proof.clearKeys),
    amr: amrOf(proofs),
    // A password alone starts a session only for a user with no second factor on (MFA_REQUIRED else).
    oneFactor: oneFactorSignIn(proofs),
    idp: proofs.find((proof) => proof.idp !== undefined)?.idp,
    signedIn: true,
  });
  actAs(deps, actorOfUser(user));
  return { user, session };
}
