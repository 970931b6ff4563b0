// The password policy every face applies: a minimum length (PASSWORD_MIN_LENGTH, 8 by default),
// a generous maximum, no composition rules, and no password from the most common ones (the top
// 10,000 of zxcvbn's maintained frequency list). Passwords are compared exactly as given: no
// trimming, no normalisation, no truncation.
import { dictionary } from '@zxcvbn-ts/language-common';
import type { Config } from '../config';
import { AppError } from './errors';

const COMMON_PASSWORD_COUNT = 10_000;
let commonPasswords: Set<string> | undefined;

function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    (dictionary['passwords-common'] as string[]).slice(0, COMMON_PASSWORD_COUNT).map((entry) => entry.toLowerCase()),
  );
  return commonPasswords.has(password.toLowerCase());
}

/**
 * Characters a password may not hold: NUL (the runtime's scrypt ignores trailing NULs, so "pw\0"
 * would be stored as "pw") and unpaired surrogates (encoded as U+FFFD, so distinct ones collide).
 */
const UNHASHABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function checkPasswordPolicy(password: string, config: Pick<Config, 'passwordMinLength' | 'passwordMaxLength'>): void {
  if (UNHASHABLE.test(password)) {
    throw new AppError('INVALID_FIELD', { field: 'password', reason: 'must not contain NUL characters or unpaired surrogates' });
  }
  const length = [...password].length;
  if (length < config.passwordMinLength) {
    throw new AppError('PASSWORD_TOO_SHORT', { field: 'password', reason: `must be at least ${config.passwordMinLength} characters` });
  }
  if (length > config.passwordMaxLength) {
    throw new AppError('PASSWORD_TOO_LONG', { field: 'password', reason: `must be at most ${config.passwordMaxLength} characters` });
  }
  if (isCommonPassword(password)) {
    throw new AppError('PASSWORD_TOO_COMMON', { field: 'password', reason: 'is one of the most common passwords' });
  }
}
