// One-time codes (e-mail confirmation, password reset): 256 random bits, stored only as a
// SHA-256, single-use and expiring. Spending a code and applying its effect happen in one D1
// batch: the spending statement stamps the code with a fresh nonce, and every other statement
// of the batch runs only where that stamp is present, so a code raced by two requests takes
// effect once.
import { sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import { emailKeyOf } from '../store/user-repo';
import { findCodeByHash, insertCodeForQuery, insertCodeQuery, spendCodeQuery, type CodeRecord } from '../store/code-repo';
import type { Guard, Statement, Subquery } from '../store/db';
import type { Deps } from './deps';
import { AppError } from './errors';

type CodePurpose = 'confirm' | 'reset';

/** A code for the user, mailed to `email`: spending it proves that address (and no later one). */
export function issueCodeQuery(deps: Deps, userId: string, purpose: CodePurpose, ttlSeconds: number, email: string) {
  const code = randomToken(32);
  const now = deps.now();
  const query = insertCodeQuery(deps.db, {
    id: randomId(),
    userId,
    purpose,
    codeHash: sha256Hex(code),
    expiresAt: now + ttlSeconds * 1000,
    createdAt: now,
    sentTo: emailKeyOf(email),
  });
  return { code, query };
}

/** issueCodeQuery for whichever user `userIds` (a subquery) yields when its batch runs it, if any. */
export function issueCodeForQuery(deps: Deps, userIds: Subquery, purpose: CodePurpose, ttlSeconds: number, email: string) {
  const code = randomToken(32);
  const now = deps.now();
  const query = insertCodeForQuery(
    deps.db,
    { id: randomId(), purpose, codeHash: sha256Hex(code), expiresAt: now + ttlSeconds * 1000, createdAt: now, sentTo: emailKeyOf(email) },
    userIds,
  );
  return { code, query };
}

export type { CodeRecord };

/** The code's record whatever its state, or null when no such code was ever issued. */
export async function findCode(deps: Deps, code: string, purpose: CodePurpose): Promise<CodeRecord | null> {
  return (await findCodeByHash(deps.db, sha256Hex(code), purpose)) ?? null;
}

/**
 * Spends a live code and runs `effects` in the same batch. `effects` receives the guard to add to
 * each statement's WHERE; the effects' results are returned. Throws INVALID_CODE when the code was already spent, even by a race.
 */
export async function spendCode(deps: Deps, record: CodeRecord, effects: (guard: Guard) => Statement[]): Promise<unknown[]> {
  const { spend, guard } = spendCodeQuery(deps.db, record.id, randomToken(16), deps.now());
  const [spent, ...results] = await deps.db.batch([spend, ...effects(guard)]);
  if (spent.length === 0) throw new AppError('INVALID_CODE', { field: 'code' });
  return results;
}
