// The password policy every face applies: a minimum length (PASSWORD_MIN_LENGTH, 8 by default),
// a generous maximum, no composition rules, and no password from the most common ones (the top
// 10,000 of zxcvbn's maintained frequency list). Passwords are compared exactly as given: no
// trimming, no normalisation, no truncation.
//
// NIST 800-63B's defaults stay the default. An operator may set an ecosystem's own minimum length
// (down to 1) and turn the common-password check off, so a deployment migrating users from a
// system with weaker rules (son-gkeeper's own specs use "1234") can match them; README says the risk.
import { dictionary } from '@zxcvbn-ts/language-common';
import type { Config } from '../config';
import * as repo from '../store/ecosystem-repo';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { batchWithEvents } from './events';

/** The rules a new password must meet in one ecosystem. */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  rejectCommon: boolean;
}

/** What the operator set for the ecosystem (null: the deployment's), and the rules that follow. */
export interface EcosystemPasswordPolicy {
  own: repo.OwnPasswordPolicy;
  effective: PasswordPolicy;
}

export const OWN_MIN_LENGTH_FLOOR = 1;

function deploymentPolicy(config: Pick<Config, 'passwordMinLength' | 'passwordMaxLength'>): PasswordPolicy {
  return { minLength: config.passwordMinLength, maxLength: config.passwordMaxLength, rejectCommon: true };
}

function effectiveOf(config: Pick<Config, 'passwordMinLength' | 'passwordMaxLength'>, own: repo.OwnPasswordPolicy): PasswordPolicy {
  const base = deploymentPolicy(config);
  return { ...base, minLength: own.minLength ?? base.minLength, rejectCommon: own.rejectCommon ?? base.rejectCommon };
}

const NONE: repo.OwnPasswordPolicy = { minLength: null, rejectCommon: null };

/** The rules for a new password in this ecosystem (the deployment's where it set none, or does not exist yet). */
export async function passwordPolicyOf(deps: Deps, ecosystemId: string): Promise<PasswordPolicy> {
  return effectiveOf(deps.config, (await repo.findPasswordPolicy(deps.db, ecosystemId)) ?? NONE);
}

/** The rules for a new password of this user (their ecosystem's). */
export async function passwordPolicyOfUser(deps: Deps, userId: string): Promise<PasswordPolicy> {
  return effectiveOf(deps.config, (await repo.findPasswordPolicyOfUser(deps.db, userId)) ?? NONE);
}

/** The operator's view: what the ecosystem set and what applies. ECOSYSTEM_NOT_FOUND for another id than the default one. */
export async function getEcosystemPasswordPolicy(deps: Deps, ecosystemId: string): Promise<EcosystemPasswordPolicy> {
  const own = await repo.findPasswordPolicy(deps.db, ecosystemId);
  if (!own && ecosystemId !== deps.config.defaultEcosystem) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return { own: own ?? NONE, effective: effectiveOf(deps.config, own ?? NONE) };
}

/**
 * Sets the ecosystem's own policy (each field null: the deployment's again). The minimum may go
 * below PASSWORD_MIN_LENGTH, down to 1, never above the maximum. Applies to passwords set from now
 * on: existing ones are not checked again.
 */
export async function setEcosystemPasswordPolicy(
  deps: Deps,
  ecosystemId: string,
  input: { minLength?: number | null; rejectCommon?: boolean | null },
): Promise<EcosystemPasswordPolicy> {
  const minLength = input.minLength ?? null;
  const max = deps.config.passwordMaxLength;
  if (minLength !== null && (!Number.isInteger(minLength) || minLength < OWN_MIN_LENGTH_FLOOR || minLength > max)) {
    throw invalidField('minLength', `must be an integer from ${OWN_MIN_LENGTH_FLOOR} to ${max}, or null`);
  }
  const own = { minLength, rejectCommon: input.rejectCommon ?? null };
  const create = ecosystemId === deps.config.defaultEcosystem;
  // ecosystem.updated in the same batch, written only if the ecosystem exists after the statement.
  const [[row]] = (await batchWithEvents(
    deps,
    [repo.setPasswordPolicyQuery(deps.db, ecosystemId, own, deps.now(), create)],
    [
      {
        type: 'ecosystem.updated',
        ecosystemId,
        guard: repo.ecosystemExistsGuard(ecosystemId),
        details: { fields: ['passwordPolicy'], minLength: own.minLength, rejectCommon: own.rejectCommon },
      },
    ],
  )) as [repo.OwnPasswordPolicy[]];
  if (!row) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return { own: row, effective: effectiveOf(deps.config, row) };
}

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

/** Refuses a new password the policy does not allow (NUL and lone surrogates always). */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy): void {
  if (UNHASHABLE.test(password)) {
    throw new AppError('INVALID_FIELD', { field: 'password', reason: 'must not contain NUL characters or unpaired surrogates' });
  }
  const length = [...password].length;
  if (length < policy.minLength) {
    throw new AppError('PASSWORD_TOO_SHORT', { field: 'password', reason: `must be at least ${policy.minLength} characters` });
  }
  if (length > policy.maxLength) {
    throw new AppError('PASSWORD_TOO_LONG', { field: 'password', reason: `must be at most ${policy.maxLength} characters` });
  }
  if (policy.rejectCommon && isCommonPassword(password)) {
    throw new AppError('PASSWORD_TOO_COMMON', { field: 'password', reason: 'is one of the most common passwords' });
  }
}
