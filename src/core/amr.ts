// RFC 8176 Authentication Method References: the values a session records of how its person
// proved who they are (authenticators.ts), and how the sessions table keeps them.

/**
 * Authentication Method Reference values (RFC 8176) this service records: `pwd` a password; `otp`
 * a one-time code (TOTP, recovery code); `hwk` a passkey bound to its device, `swk` a synced one
 * (its key is software that leaves the device); `fed` an upstream identity provider; `mfa` added
 * when more than one method was used, or a passkey verified its person (a PIN or biometric).
 */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'fed' | 'mfa';

const METHODS: ReadonlySet<string> = new Set<AuthMethod>(['pwd', 'otp', 'hwk', 'swk', 'fed', 'mfa']);

/** How an `amr` is kept in a session's `amr` column (JSON text; null when the session has none). */
export function encodeAmr(amr: readonly AuthMethod[] | null | undefined): string | null {
  return amr && amr.length > 0 ? JSON.stringify(amr) : null;
}

/** A session row's `amr` column as a list, or undefined when the session recorded none (or it is unreadable). */
export function decodeAmr(stored: string | null | undefined): AuthMethod[] | undefined {
  if (!stored) return undefined;
  try {
    const parsed: unknown = JSON.parse(stored);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((m) => typeof m === 'string' && METHODS.has(m))) {
      return parsed as AuthMethod[];
    }
  } catch {
    // Unreadable: no amr is claimed rather than a wrong one.
  }
  return undefined;
}

/** Whether a token's `amr` claim says its sign-in used more than one factor (`mfa`). */
export function usedSeveralFactors(amr: unknown): boolean {
  return Array.isArray(amr) && amr.includes('mfa');
}

/**
 * Authentication Context Class References (OpenID Connect `acr`) this service answers: `urn:gatehouse:mfa`
 * for a sign-in with a second factor (amr has `mfa`), `urn:gatehouse:1fa` for one factor. A client
 * asks for the first with `acr_values` at /oauth/authorize (step-up).
 */
export const ACR_MFA = 'urn:gatehouse:mfa';
export const ACR_ONE_FACTOR = 'urn:gatehouse:1fa';
export const ACR_VALUES_SUPPORTED = [ACR_MFA, ACR_ONE_FACTOR] as const;

/** The `acr` a sign-in with this `amr` satisfies. */
export function acrOf(amr: readonly AuthMethod[] | undefined): string {
  return usedSeveralFactors(amr) ? ACR_MFA : ACR_ONE_FACTOR;
}
