// Accounts known by their e-mail address in the default ecosystem (the rules the User Service
// face, Face 3, serves), on top of the shared core: who may register when
// registration is closed, a login that needs a confirmed address, refresh tokens that never rotate,
// which user a bearer token names, and a login by bearer token alone. Its users live in the default
// ecosystem; its tokens have the shape USER_SERVICE_TOKEN_PROFILE names.
import { randomId } from '../crypto/random';
import type { NewUserRow, UserRow } from '../store/user-repo';
import { spendUserNumber } from '../store/ecosystem-repo';
import { emailKeyOf } from '../store/user-repo';
import type { Deps } from './deps';
import { authenticateActor, isAdmin } from './actors';
import type { AuthenticateOptions } from './edge-auth';
import { AppError } from './errors';
import { logInWithPassword } from './login';
import { hashPassword } from '../crypto/password';
import { checkPasswordPolicy, passwordPolicyOf } from './password-policy';
import { registerPending } from './pending-accounts';
import { refreshSession, startSession, type RefreshedSession, type StartedSession } from './sessions';
import { profileOf } from './token-profiles';
import { checkEmail, createUser, newUserRow } from './users';

export interface EmailRegistration {
  email: string;
  password: string;
  firstName: string | null;
  lastName: string | null;
  language: string;
}

/**
 * The live, enabled user of the default ecosystem an access token names. Any other token (the
 * account token, a droplit user token, a user of another ecosystem) is INVALID_TOKEN.
 */
export async function userOfAccessToken(deps: Deps, token: string): Promise<UserRow> {
  return (await accessTokenActor(deps, token)).user;
}

async function accessTokenActor(deps: Deps, token: string, options: AuthenticateOptions = {}) {
  const actor = await authenticateActor(deps, token, deps.config.defaultEcosystem, options);
  if (actor.kind !== 'user' || actor.identity.kind !== 'access') throw new AppError('INVALID_TOKEN');
  return actor;
}

/** With OPEN_REGISTRATION off, only the account token or an admin (permission level 0) may register. */
async function checkRegistrar(deps: Deps, token: string | undefined): Promise<void> {
  if (deps.config.openRegistration) return;
  if (token === undefined) throw new AppError('REGISTRATION_CLOSED');
  // The role is read from D1, not from the token, so a demoted admin's token stops working at once.
  if (!isAdmin(await authenticateActor(deps, token, deps.config.defaultEcosystem))) {
    throw new AppError('REGISTRATION_CLOSED');
  }
}

/**
 * Creates a standard user; with EMAIL_CONFIRMATION on, unconfirmed and sent a confirmation link.
 * With EMAIL_CONFIRMATION on, a taken address answers exactly as a new one (a made-up unconfirmed
 * user that exists nowhere), after the same D1 work (pending-accounts.ts), and its owner is mailed
 * instead, so registration does not tell who has an account; only the owner of the address learns
 * it, from the mail. With it off the new user can log in at once, so a taken address must be
 * refused (EMAIL_TAKEN).
 */
export async function registerUser(deps: Deps, input: EmailRegistration, registrarToken: string | undefined): Promise<UserRow> {
  await checkRegistrar(deps, registrarToken);
  checkEmail(input.email);
  checkPasswordPolicy(input.password, await passwordPolicyOf(deps, deps.config.defaultEcosystem));
  const { password, ...fields } = input;
  // Hashed and numbered before the insert, for a new and a taken address alike: a pending account
  // takes the hash, and a taken address answers with the number it spent, as a new user would.
  const passwordHash = await hashPassword(password, deps.config.passwordHash);
  const userNumber = await spendUserNumber(deps.db, deps.config.defaultEcosystem);
  const newUser = { ecosystemId: deps.config.defaultEcosystem, ...fields, role: 'user' as const, passwordHash };
  if (!deps.config.emailConfirmation) return createUser(deps, { ...newUser, userNumber });
  const row = await newUserRow(deps, { ...newUser, requireConfirmation: true }, userNumber, deps.now());
  const created = await registerPending(deps, { ...row, email: input.email, emailKey: emailKeyOf(input.email) });
  return created ?? madeUpUser(deps, row, userNumber);
}

/** The answer to a taken address: a user shaped like a new one, with the number it spent, that exists nowhere. */
function madeUpUser(deps: Deps, row: NewUserRow, userNumber: number | null): UserRow {
  const now = deps.now();
  return {
    id: randomId(),
    ecosystemId: row.ecosystemId,
    uniqueId: null,
    username: null,
    usernameKey: null,
    email: row.email ?? null,
    emailKey: row.emailKey ?? null,
    passwordHash: null,
    role: 'user',
    firstName: row.firstName ?? null,
    lastName: row.lastName ?? null,
    phoneNumber: null,
    language: row.language ?? 'en',
    publicKey: null,
    certificate: null,
    meta: null,
    confirmed: false,
    emailVerifiedAt: null,
    disabled: false,
    tokenEpoch: 0,
    userNumber,
    createdAt: now,
    updatedAt: now,
  };
}

/** Logs in by e-mail; the User Service's refresh token does not rotate. */
export function logInUser(deps: Deps, email: string, password: string, otp?: string): Promise<{ user: UserRow; session: StartedSession }> {
  return logInWithPassword(deps, { email }, password, { rotates: false, profile: profileOf(deps.config, 'user-service') }, otp);
}

/**
 * A new access token for a User Service refresh token. A rotating refresh token (OAuth,
 * Gatekeeper) is refused: this route could not hand its successor back to the client.
 */
export async function refreshAccessToken(deps: Deps, refreshToken: string): Promise<RefreshedSession> {
  // The User Service's refresh tokens do not rotate: a rotating one is refused, and not spent.
  return refreshSession(deps, refreshToken, { profile: profileOf(deps.config, 'user-service'), rotates: false });
}

/**
 * A login with only a valid access token: a new session (access and refresh token) for the
 * token's user, as the original's middleware re-issued tokens. The old token stays valid.
 */
export async function logInWithAccessToken(deps: Deps, token: string): Promise<{ user: UserRow; session: StartedSession }> {
  // Checked against D1, and the session starts only while the user's epoch is still the token's:
  // a token revoked a moment ago (KV not yet caught up, or a reset racing this login) mints nothing.
  const { user, identity } = await accessTokenActor(deps, token, { strict: true });
  const asIssued = { ...user, tokenEpoch: identity.epoch };
  return { user, session: await startSession(deps, asIssued, { rotates: false, profile: profileOf(deps.config, 'user-service') }) };
}
