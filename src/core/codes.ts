// One-time codes (e-mail confirmation, password reset): 256 random bits, stored only as a
// SHA-256, single-use and expiring. Spending a code and applying its effect happen in one D1
// batch: the spending statement stamps the code with a fresh nonce, and every other statement
// of the batch runs only where that stamp is present, so a code raced by two requests takes
// effect once.
import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import { oneTimeCodes } from '../store/schema';
import type { Deps } from './deps';
import { AppError } from './errors';

export type CodePurpose = 'confirm' | 'reset';

export function issueCodeQuery(deps: Deps, userId: string, purpose: CodePurpose, ttlSeconds: number) {
  const code = randomToken(32);
  const now = deps.now();
  const query = deps.db.insert(oneTimeCodes).values({
    id: randomId(),
    userId,
    purpose,
    codeHash: sha256Hex(code),
    expiresAt: now + ttlSeconds * 1000,
    createdAt: now,
  });
  return { code, query };
}

export interface CodeRecord {
  id: string;
  userId: string;
  usedAt: number | null;
  expiresAt: number;
}

/** The code's record whatever its state, or null when no such code was ever issued. */
export async function findCode(deps: Deps, code: string, purpose: CodePurpose): Promise<CodeRecord | null> {
  const row = await deps.db
    .select({ id: oneTimeCodes.id, userId: oneTimeCodes.userId, usedAt: oneTimeCodes.usedAt, expiresAt: oneTimeCodes.expiresAt })
    .from(oneTimeCodes)
    .where(and(eq(oneTimeCodes.codeHash, sha256Hex(code)), eq(oneTimeCodes.purpose, purpose)))
    .get();
  return row ?? null;
}

/**
 * Spends a live code and runs `effects` in the same batch. `effects` receives the guard to add to
 * each statement's WHERE; the effects' results are returned. Throws INVALID_CODE when the code was already spent, even by a race.
 */
export async function spendCode(
  deps: Deps,
  record: CodeRecord,
  effects: (guard: SQL) => BatchItem<'sqlite'>[],
): Promise<unknown[]> {
  const nonce = randomToken(16);
  const now = deps.now();
  const guard = sql`exists (select 1 from ${oneTimeCodes} where ${oneTimeCodes.id} = ${record.id} and ${oneTimeCodes.spentBy} = ${nonce})`;
  const spend = deps.db
    .update(oneTimeCodes)
    .set({ usedAt: now, spentBy: nonce })
    .where(and(eq(oneTimeCodes.id, record.id), isNull(oneTimeCodes.usedAt), gt(oneTimeCodes.expiresAt, now)))
    .returning({ id: oneTimeCodes.id });
  const [spent, ...results] = await deps.db.batch([spend, ...effects(guard)]);
  if (spent.length === 0) throw new AppError('INVALID_CODE', { field: 'code' });
  return results;
}
