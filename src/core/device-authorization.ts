// The device authorization grant (RFC 8628), for a client that cannot open a browser where it
// runs (a command-line tool, a TV): it asks for a device code and a user code, the person enters
// the user code on the hosted /device page while signed in and approves or denies, and the client
// polls the token endpoint meanwhile. Only clients the operator (or an initial access token's
// registration) allowed the grant may use it.
//
// The device code is 32 random bytes, stored as a SHA-256. The user code is 8 characters of a
// 20-letter alphabet without vowels (no words, no 0/O or 1/I confusion; RFC 8628 6.1), shown as
// XXXX-XXXX and stored without the dash: about 34.6 bits, which the /device page's per-address rate
// limit (30 tries a minute) and the 10-minute lifetime make unguessable in practice. A poll faster
// than the interval is `slow_down` and the interval grows by 5 seconds (3.5).
import { sha256Hex } from '../crypto/digest';
import { randomToken } from '../crypto/random';
import { uniqueViolation } from '../store/db';
import * as repo from '../store/device-repo';
import { approvingSignIn, clientIdToken, startClientSession } from './approved-grants';
import type { BrowserSession } from './browser-sessions';
import type { Deps } from './deps';
import { AppError } from './errors';
import { authenticateClient, type ClientCredentials } from './client-authentication';
import { SUPPORTED_SCOPES, type OAuthClientRow } from './oauth-clients';
import type { StartedSession } from './sessions';

export const DEVICE_CODE_TTL_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
const SLOW_DOWN_STEP_SECONDS = 5;
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/** A random user code, without the dash; rejection sampling keeps every letter equally likely. */
function newUserCode(): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    for (const byte of bytes) {
      // 240 = 12 * 20: bytes above it would favour the first letters.
      if (byte < 240 && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** XXXXXXXX → XXXX-XXXX, as people read and type it. */
export function displayUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed, as stored: upper case, without dashes or spaces; null when it cannot be a user code. */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH || [...code].some((letter) => !USER_CODE_ALPHABET.includes(letter))) return null;
  return code;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  expiresIn: number;
  interval: number;
}

/** The scopes asked (space-separated), each one the client may have; none asked means all of them. */
function grantedScopes(client: OAuthClientRow, asked: string | undefined): string[] {
  if (asked === undefined) return client.scopes;
  const scopes = [...new Set(asked.split(' ').filter(Boolean))];
  if (scopes.some((scope) => !client.scopes.includes(scope) || !(SUPPORTED_SCOPES as readonly string[]).includes(scope))) {
    throw new AppError('INVALID_SCOPE');
  }
  return scopes;
}

/** POST /oauth/device_authorization: the client as at the token endpoint, allowed the grant (else UNAUTHORIZED_CLIENT). */
export async function startDeviceAuthorization(
  deps: Deps,
  credentials: ClientCredentials | undefined,
  scope: string | undefined,
): Promise<DeviceAuthorization> {
  if (credentials === undefined) throw new AppError('UNAUTHENTICATED', { reason: 'client_id is missing' });
  const client = await authenticateClient(deps, credentials);
  if (!client.allowDeviceGrant) throw new AppError('UNAUTHORIZED_CLIENT');
  const scopes = grantedScopes(client, scope);
  const deviceCode = randomToken(32);
  const now = deps.now();
  // A user code already in use (one in 2.5e10 per live code) is drawn again.
  for (let attempt = 0; ; attempt++) {
    const userCode = newUserCode();
    try {
      await repo.insertDeviceAuthorization(deps.db, {
        deviceCodeHash: sha256Hex(deviceCode),
        userCode,
        clientId: client.id,
        scope: scopes.join(' '),
        intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
        createdAt: now,
        expiresAt: now + DEVICE_CODE_TTL_SECONDS * 1000,
      });
      return {
        deviceCode,
        userCode: displayUserCode(userCode),
        expiresIn: DEVICE_CODE_TTL_SECONDS,
        interval: DEVICE_POLL_INTERVAL_SECONDS,
      };
    } catch (error) {
      if (attempt >= 2 || !uniqueViolation(error)?.includes('user_code')) throw error;
    }
  }
}

/** What the approval page shows: the client's name and the scopes; null for no pending, unexpired code. */
export async function pendingDeviceRequest(
  deps: Deps,
  typed: string,
): Promise<{ userCode: string; clientName: string; scopes: string[] } | null> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return null;
  const found = await repo.findPendingByUserCode(deps.db, userCode, deps.now());
  if (!found) return null;
  return {
    userCode: displayUserCode(userCode),
    clientName: found.clientName,
    scopes: found.authorization.scope.split(' ').filter(Boolean),
  };
}

/** The signed-in person approves or denies; false when the code is no longer pending (decided, expired). */
export async function decideDeviceRequest(deps: Deps, typed: string, current: BrowserSession, approve: boolean): Promise<boolean> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return false;
  const decided = await repo.decide(
    deps.db,
    userCode,
    { status: approve ? 'approved' : 'denied', userId: current.user.id, browserSessionId: current.session.id, authTime: current.authTime },
    deps.now(),
  );
  return decided.length > 0;
}

export interface DeviceTokens extends StartedSession {
  scope: string;
  idToken?: string;
}

/**
 * grant_type=urn:ietf:params:oauth:grant-type:device_code: the client that asked for the code
 * polls. Pending: AUTHORIZATION_PENDING; faster than the interval: SLOW_DOWN (and 5 s more from
 * now on); expired: DEVICE_CODE_EXPIRED; denied: ACCESS_DENIED; approved: tokens, once (a spent or
 * unknown code, or another client's, is INVALID_CODE).
 */
export async function pollDeviceCode(deps: Deps, client: OAuthClientRow, deviceCode: string): Promise<DeviceTokens> {
  const hash = sha256Hex(deviceCode);
  const found = await repo.findByDeviceCode(deps.db, hash);
  if (!found || found.clientId !== client.id || !client.allowDeviceGrant)
    throw new AppError('INVALID_CODE', { reason: 'unknown device code' });
  const now = deps.now();
  if (found.expiresAt <= now) throw new AppError('DEVICE_CODE_EXPIRED');
  if (found.status === 'spent') throw new AppError('INVALID_CODE', { reason: 'the device code was already used' });
  if (found.status === 'denied') throw new AppError('ACCESS_DENIED');
  const tooSoon = found.lastPolledAt !== null && now - found.lastPolledAt < found.intervalSeconds * 1000;
  const interval = tooSoon ? found.intervalSeconds + SLOW_DOWN_STEP_SECONDS : found.intervalSeconds;
  await repo.recordPoll(deps.db, hash, now, interval);
  if (tooSoon) throw new AppError('SLOW_DOWN');
  if (found.status !== 'approved') throw new AppError('AUTHORIZATION_PENDING');
  return issueDeviceTokens(deps, client, hash);
}

async function issueDeviceTokens(deps: Deps, client: OAuthClientRow, hash: string): Promise<DeviceTokens> {
  const found = await repo.findByDeviceCode(deps.db, hash);
  const refused = (reason: string) => new AppError('INVALID_CODE', { reason });
  // The browser session that approved must still stand, as for a code (a sign-out in between ends it).
  const signIn = await approvingSignIn(deps, found?.userId ?? '', found?.browserSessionId ?? '');
  if (!signIn) throw refused('the sign-in that approved it has ended');
  const [spent] = await repo.spend(deps.db, hash, deps.now());
  if (!spent) throw refused('the device code was already used');
  const session = await startClientSession(deps, client, signIn, spent.scope, refused);
  const idToken = await clientIdToken(deps, client, signIn.user, session, {
    scope: spent.scope,
    nonce: null,
    authTime: spent.authTime ?? Math.floor(deps.now() / 1000),
    acrAsked: false,
  });
  return { ...session.started, scope: spent.scope, ...(idToken ? { idToken } : {}) };
}
