// How the droplit face shows an application user: `id` is the literal `ECOSYSTEM-ID;USER-ID`,
// times are ISO 8601, and nothing else of the account (no internal id, role or hash) shows.
import type { AppUser } from '../../core/external-users';

export function droplitUser({ user, access }: AppUser) {
  return {
    id: `${user.ecosystemId};${user.uniqueId}`,
    ecosystemId: user.ecosystemId,
    uniqueId: user.uniqueId,
    meta: user.meta ?? {},
    email: user.email,
    createdAt: new Date(user.createdAt).toISOString(),
    access: access.map((grant) => ({ environmentId: grant.environmentId, accessLevel: grant.accessLevel })),
  };
}
