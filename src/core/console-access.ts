// Who may use the operator console: a live hosted-pages browser session (never a token: the account
// token is no console login) of a user with the role `admin` in the console's ecosystem
// (CONSOLE_ECOSYSTEM, else DEFAULT_ECOSYSTEM), whose sign-in used a second factor. Judged on every
// request from D1 as it is now (resolveBrowserSession reads the session and the user afresh), so a
// demoted, disabled or deleted admin, or an ended session, loses the console at the next request.
import { decodeAmr, type AuthMethod } from './amr';
import type { BrowserSession } from './browser-sessions';
import type { Deps } from './deps';
import { hasSecondFactor } from './second-factors';

/** Methods that count as a second factor in a session's `amr`: `mfa`, a one-time code, a passkey. */
const SECOND_FACTOR_METHODS: readonly AuthMethod[] = ['mfa', 'otp', 'hwk', 'swk'];

export type ConsoleVerdict =
  | { kind: 'admin'; current: BrowserSession }
  /** No live browser session: to the sign-in page. */
  | { kind: 'signed_out' }
  /** Signed in, but not an admin of the console's ecosystem. */
  | { kind: 'not_admin'; current: BrowserSession }
  /** An admin whose session did not use a second factor: `enrolled` says whether they have one to sign in with. */
  | { kind: 'second_factor_needed'; current: BrowserSession; enrolled: boolean };

/** Whether the session's sign-in used a second factor (its recorded `amr`). */
export function sessionUsedSecondFactor(current: BrowserSession): boolean {
  const amr = decodeAmr(current.session.amr) ?? [];
  return amr.some((method) => SECOND_FACTOR_METHODS.includes(method));
}

/** Whether the user is an admin of the console's ecosystem (the role as D1 holds it now). */
export function isConsoleAdmin(deps: Deps, user: BrowserSession['user']): boolean {
  return user.role === 'admin' && user.ecosystemId === deps.config.consoleEcosystem && !user.disabled;
}

/** Whether a path is the console's (`/console` and below). */
export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/') || path.startsWith('/console?');
}

/**
 * The ecosystem whose account a hosted sign-in checks the password of: the console's for a sign-in
 * on its way to the console (its return path), else DEFAULT_ECOSYSTEM, as for every other sign-in.
 * The same when CONSOLE_ECOSYSTEM is not set.
 */
export function signInEcosystemFor(deps: Deps, returnTo: string): string {
  return isConsolePath(returnTo) ? deps.config.consoleEcosystem : deps.config.defaultEcosystem;
}

/** The console's verdict on the browser session a cookie resolved to (null: none). */
export async function judgeConsoleAccess(deps: Deps, current: BrowserSession | null): Promise<ConsoleVerdict> {
  if (!current) return { kind: 'signed_out' };
  if (!isConsoleAdmin(deps, current.user)) return { kind: 'not_admin', current };
  if (!sessionUsedSecondFactor(current)) {
    return { kind: 'second_factor_needed', current, enrolled: await hasSecondFactor(deps, current.user.id) };
  }
  return { kind: 'admin', current };
}
