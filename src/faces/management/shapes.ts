// How the management face shows records: ISO 8601 times, never a hash or a secret.
import { permissionLevelOf } from '../../core/users';
import type { UserRow } from '../../store/schema';

export const iso = (ms: number): string => new Date(ms).toISOString();

export function adminUser(user: UserRow) {
  return {
    id: user.id,
    ecosystemId: user.ecosystemId,
    uniqueId: user.uniqueId,
    username: user.username,
    email: user.email,
    role: user.role,
    permissionLevel: permissionLevelOf(user.role),
    firstName: user.firstName,
    lastName: user.lastName,
    confirmed: user.confirmed,
    disabled: user.disabled,
    createdAt: iso(user.createdAt),
  };
}
