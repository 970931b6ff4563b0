// Time-based one-time passwords (RFC 6238) over @oslojs/otp's HOTP (RFC 4226): 6 digits, SHA-1,
// 30-second steps, as every authenticator app reads an otpauth:// URI. The step is computed here
// from the injected clock (the library's TOTP helpers read Date.now()), so the caller can record the
// step a code was accepted for and refuse it a second time.
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** RFC 4226 recommends a 160-bit key for HMAC-SHA1. */
const KEY_BYTES = 20;

export function newTotpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

/** The time step of an instant (milliseconds since the epoch). */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / (TOTP_STEP_SECONDS * 1000));
}

/** The code for one step (for tests and tools that act as the authenticator app). */
export function totpCode(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), TOTP_DIGITS);
}

/**
 * The step among `steps` (tried in order) that `code` is right for, or null. The library compares in
 * constant time; a code that is not six digits is never right.
 */
export function matchingTotpStep(key: Uint8Array, code: string, steps: readonly number[]): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  for (const step of steps) if (step >= 0 && verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  return null;
}

/** The key as people type it into an app that cannot scan: base32, upper case, no padding. */
export function totpKeyText(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key);
}

/** The otpauth:// URI an authenticator app scans. */
export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_STEP_SECONDS, TOTP_DIGITS);
}
