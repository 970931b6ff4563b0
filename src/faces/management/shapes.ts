// How the management face shows records: ISO 8601 times, never a hash or a secret.
import { permissionLevelOf } from '../../core/users';
import type { OutboxRow } from '../../core/mail';
import type { UserRow } from '../../core/users';

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

/** One outbox row for the operator: the message, its delivery state and the last error (never a secret). */
export function outboxItem(row: OutboxRow) {
  const time = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    text: row.text,
    html: row.html,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? time(row.nextAttemptAt) : null,
    createdAt: iso(row.createdAt),
    sentAt: time(row.sentAt),
  };
}
