// Whose tokens a forward-auth check accepts: DEFAULT_ECOSYSTEM's unless the caller (the proxy's
// configuration) names another ecosystem or "*" for any. A token of another ecosystem is refused
// exactly as an invalid one, so the answer does not tell a valid foreign token from a forged one.
import type { Deps } from './deps';
import type { Identity } from './edge-auth';
import { AppError, invalidField } from './errors';

const ANY_ECOSYSTEM = '*';
const MAX_ECOSYSTEM_ID_LENGTH = 64;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * The scope named by the `ecosystem` query values: the default ecosystem when there are none, an
 * ecosystem id, or "*". More than one value, an empty or over-long one: INVALID_FIELD (400).
 */
export function ecosystemScope(deps: Deps, values: string[] | undefined): string {
  if (values === undefined || values.length === 0) return deps.config.defaultEcosystem;
  const [value] = values;
  if (values.length > 1 || !value || value.length > MAX_ECOSYSTEM_ID_LENGTH || CONTROL_CHARACTERS.test(value)) {
    throw invalidField('ecosystem', 'must be one ecosystem id or "*"');
  }
  return value;
}

/** Refuses (INVALID_TOKEN) an identity outside the scope. */
export function requireEcosystemScope(identity: Identity, scope: string): void {
  if (scope !== ANY_ECOSYSTEM && identity.ecosystemId !== scope) throw new AppError('INVALID_TOKEN');
}
