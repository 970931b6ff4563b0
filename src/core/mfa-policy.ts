// Who must have a second factor: per ecosystem, `mfa: "optional" | "required"` (optional by
// default), and for people with the admin role `admins: "optional" | "required"`, whose default
// (null) is "required once enrolled": an admin who turned a factor on may not turn it off, while a
// deployment that upgrades is not locked out of its own operator accounts. Where a second factor
// is required and a person has none, a password sign-in leads to enrolment before any session
// exists (the hosted pages' `enrol` challenge; the API logins answer mfa_enrollment_required).
// Sign-ins that are two factors already (a user-verified passkey) and upstream providers, which
// answer for their own factors, are not asked.
import * as repo from '../store/ecosystem-repo';
import type { UserRow } from '../store/user-repo';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { batchWithEvents } from './events';

export const MFA_REQUIREMENTS = ['optional', 'required'] as const;
export type MfaRequirement = (typeof MFA_REQUIREMENTS)[number];

/** What the operator set for the ecosystem (null: the default), and what applies. */
export interface EcosystemMfaPolicy {
  own: { mfa: MfaRequirement | null; admins: MfaRequirement | null };
  effective: { mfa: MfaRequirement; admins: MfaRequirement | 'once-enrolled' };
}

function requirementOf(value: string | null): MfaRequirement | null {
  return value === 'optional' || value === 'required' ? value : null;
}

function policyOf(own: repo.OwnMfaPolicy): EcosystemMfaPolicy {
  const mfa = requirementOf(own.mfa);
  const admins = requirementOf(own.admins);
  return {
    own: { mfa, admins },
    effective: { mfa: mfa ?? 'optional', admins: mfa === 'required' ? 'required' : (admins ?? 'once-enrolled') },
  };
}

const NONE: repo.OwnMfaPolicy = { mfa: null, admins: null };

/** The operator's view. ECOSYSTEM_NOT_FOUND for another id than the default one. */
export async function getEcosystemMfaPolicy(deps: Deps, ecosystemId: string): Promise<EcosystemMfaPolicy> {
  const own = await repo.findMfaPolicy(deps.db, ecosystemId);
  if (!own && ecosystemId !== deps.config.defaultEcosystem) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return policyOf(own ?? NONE);
}

function checkRequirement(field: string, value: unknown): MfaRequirement | null {
  if (value === undefined || value === null) return null;
  if (value === 'optional' || value === 'required') return value;
  throw invalidField(field, 'must be "optional", "required" or null');
}

/**
 * Sets the ecosystem's policy (each field null or absent: the default again), with its
 * ecosystem.updated event in the same batch. Applies at each next sign-in: sessions already
 * started stay.
 */
export async function setEcosystemMfaPolicy(
  deps: Deps,
  ecosystemId: string,
  input: { mfa?: unknown; admins?: unknown },
): Promise<EcosystemMfaPolicy> {
  const own = { mfa: checkRequirement('mfa', input.mfa), admins: checkRequirement('admins', input.admins) };
  const create = ecosystemId === deps.config.defaultEcosystem;
  const [[row]] = (await batchWithEvents(
    deps,
    [repo.setMfaPolicyQuery(deps.db, ecosystemId, own, deps.now(), create)],
    [
      {
        type: 'ecosystem.updated',
        ecosystemId,
        guard: repo.ecosystemExistsGuard(ecosystemId),
        details: { fields: ['mfaPolicy'], mfa: own.mfa, admins: own.admins },
      },
    ],
  )) as [repo.OwnMfaPolicy[]];
  if (!row) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return policyOf(row);
}

/** Whether the user must have a second factor to sign in (the policy of their ecosystem and role). */
export async function secondFactorRequired(deps: Deps, user: UserRow): Promise<boolean> {
  const { effective } = policyOf((await repo.findMfaPolicy(deps.db, user.ecosystemId)) ?? NONE);
  return effective.mfa === 'required' || (user.role === 'admin' && effective.admins === 'required');
}

/** Whether the user may not turn their second factor off: it is required, or they are an admin (default "once enrolled"). */
export async function mustKeepSecondFactor(deps: Deps, user: UserRow): Promise<boolean> {
  const { effective } = policyOf((await repo.findMfaPolicy(deps.db, user.ecosystemId)) ?? NONE);
  return effective.mfa === 'required' || (user.role === 'admin' && effective.admins !== 'optional');
}
