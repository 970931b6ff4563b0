// External users (the application users the droplit face serves): people an application backend registers by its own unique
// id within an ecosystem, with an e-mail, free-form meta and environment grants, and the user
// tokens it issues them. Each write of a user is one D1 batch; a race of two creates of one
// unique id is settled by the UNIQUE index, and the loser becomes an update.
import { randomId } from '../crypto/random';
import { isForeignKeyViolation, uniqueViolation, type Batch } from '../store/db';
import * as repo from '../store/user-repo';
import type { UserRow } from '../store/user-repo';
import { grantQueries, publishUserGrants, userGrants, type Grant } from './access';
import type { Deps } from './deps';
import { afterEvents, eventStatements, userUpdatedAt } from './events';
import { AppError } from './errors';
import { revokeAllTokensForUser } from './revocation';
import { pageUsers } from './user-listing';
import { prepareUserToken, type ExpiryType, type TokenSubject } from './user-tokens';
import { checkEmail, deleteUser, rethrowUserConflict } from './users';

/** The longest user token we issue: ten years. */
export const MAX_USER_TOKEN_TTL_SECONDS = 315_360_000;
/** D1 binds at most 100 values a statement; a grant insert binds three per environment. */
export const MAX_GRANTS_PER_USER = 30;
const MAX_PUT_ATTEMPTS = 3;

export interface AppUser {
  user: UserRow;
  access: Grant[];
}

/** What a PUT changes; a field left undefined keeps its value (null clears the e-mail). */
export interface AppUserChanges {
  email?: string | null;
  meta?: Record<string, unknown>;
  access?: Grant[];
}

export interface TokenRequest {
  expiryType: ExpiryType;
  ttlSeconds: number;
}

interface PutResult extends AppUser {
  created: boolean;
  token?: string;
}

async function findAppUser(deps: Deps, ecosystemId: string, uniqueId: string): Promise<UserRow> {
  const user = await repo.findUserByUniqueId(deps.db, ecosystemId, uniqueId);
  if (!user) throw new AppError('USER_NOT_FOUND', { field: 'userId' });
  return user;
}

export async function getAppUser(deps: Deps, ecosystemId: string, uniqueId: string): Promise<AppUser> {
  const user = await findAppUser(deps, ecosystemId, uniqueId);
  return { user, access: await userGrants(deps, user.id) };
}

function refuseDisabled(user: UserRow): void {
  if (user.disabled) throw new AppError('FORBIDDEN', { field: 'userId', reason: 'User Disabled' });
}

/** Runs one attempt's batch; null when a concurrent create or delete means trying again. */
async function runPutBatch(deps: Deps, batch: Batch): Promise<unknown[] | null> {
  try {
    return await deps.db.batch(batch);
  } catch (error) {
    if (uniqueViolation(error)?.includes('users.unique_id') || isForeignKeyViolation(error)) return null;
    rethrowUserConflict(error);
  }
}

function newUserRow(deps: Deps, ecosystemId: string, uniqueId: string, changes: AppUserChanges): repo.NewUserRow & TokenSubject {
  const now = deps.now();
  return {
    id: randomId(),
    ecosystemId,
    uniqueId,
    email: changes.email ?? null,
    emailKey: changes.email != null ? repo.emailKeyOf(changes.email) : null,
    role: 'user',
    meta: changes.meta ?? null,
    confirmed: true,
    tokenEpoch: 0,
    createdAt: now,
    updatedAt: now,
  };
}

function userPatch(deps: Deps, changes: AppUserChanges): repo.UserPatch {
  const patch: repo.UserPatch = { updatedAt: deps.now() };
  if (changes.email !== undefined) {
    patch.email = changes.email;
    patch.emailKey = changes.email != null ? repo.emailKeyOf(changes.email) : null;
    // Unproven until a link or code mailed to it is used (set again, even to the same address: the app says so, not a mail).
    patch.emailVerifiedAt = null;
  }
  if (changes.meta !== undefined) patch.meta = changes.meta;
  return patch;
}

/** One attempt: create the user or update the one found, grants and token in the same batch. */
async function tryPut(
  deps: Deps,
  ecosystemId: string,
  uniqueId: string,
  changes: AppUserChanges,
  token: TokenRequest | undefined,
): Promise<PutResult | null> {
  const existing = await repo.findUserByUniqueId(deps.db, ecosystemId, uniqueId);
  if (existing && token) refuseDisabled(existing);
  const created = existing ? undefined : newUserRow(deps, ecosystemId, uniqueId, changes);
  const subject: TokenSubject = created ?? { ...existing!, email: changes.email === undefined ? existing!.email : changes.email };
  const patch = created ? undefined : userPatch(deps, changes);
  const batch: Batch = [created ? repo.insertUserQuery(deps.db, created) : repo.updateUserQuery(deps.db, subject.id, patch!)];
  if (changes.access !== undefined) batch.push(...(await grantQueries(deps, ecosystemId, subject.id, changes.access)));
  // The event of the write, in its batch: written only if the update found the user.
  const fields = Object.keys(changes).filter((key) => changes[key as keyof AppUserChanges] !== undefined);
  const recorded = created
    ? eventStatements(deps, { type: 'user.created', ecosystemId, userId: created.id, details: { role: created.role, confirmed: true } })
    : fields.length > 0
      ? eventStatements(deps, {
          type: 'user.updated',
          userId: subject.id,
          guard: userUpdatedAt(subject.id, patch!.updatedAt!),
          details: { fields },
        })
      : [];
  const eventsAt = batch.length;
  batch.push(...recorded);
  const prepared = token ? prepareUserToken(deps, subject, token.expiryType, token.ttlSeconds) : undefined;
  if (prepared) batch.push(prepared.query);
  const results = await runPutBatch(deps, batch);
  if (results) afterEvents(deps, results.slice(eventsAt, eventsAt + recorded.length));
  // An update that found no row: the user was deleted meanwhile, so create them afresh. A token
  // insert that found the user changed (logged out, disabled): try again with what D1 holds now.
  if (!results || (existing && (results[0] as unknown[]).length === 0)) return null;
  if (prepared && (results[results.length - 1] as unknown[]).length !== 1) return null;
  const user = await repo.findUserById(deps.db, subject.id);
  if (!user) throw new AppError('USER_NOT_FOUND', { field: 'userId' }); // deleted just now
  const access = await userGrants(deps, user.id);
  if (changes.access !== undefined) await publishUserGrants(deps, user.id, access);
  return { user, access, created: !existing, token: prepared && (await prepared.sign()) };
}

/**
 * Creates the application user or updates the one with this unique id, with their grants (all
 * or nothing per environment, replacing the old ones) and, if asked, a new user token.
 */
export async function putAppUser(
  deps: Deps,
  ecosystemId: string,
  uniqueId: string,
  changes: AppUserChanges,
  token?: TokenRequest,
): Promise<PutResult> {
  if (changes.email != null) checkEmail(changes.email);
  for (let attempt = 1; attempt <= MAX_PUT_ATTEMPTS; attempt++) {
    const result = await tryPut(deps, ecosystemId, uniqueId, changes, token);
    if (result) return result;
  }
  throw new Error('application user kept changing under concurrent writes');
}

export async function issueAppUserToken(
  deps: Deps,
  ecosystemId: string,
  uniqueId: string,
  request: TokenRequest,
  attempt = 1,
): Promise<string> {
  const user = await findAppUser(deps, ecosystemId, uniqueId);
  refuseDisabled(user);
  const prepared = prepareUserToken(deps, user, request.expiryType, request.ttlSeconds);
  const inserted = await prepared.query;
  // The user was deleted, disabled or logged out between the read and the insert: read them again.
  if (inserted.length !== 1) {
    if (attempt >= MAX_PUT_ATTEMPTS) throw new Error('application user kept changing under concurrent writes');
    return issueAppUserToken(deps, ecosystemId, uniqueId, request, attempt + 1);
  }
  return prepared.sign();
}

/** Deletes the user with their tokens, grants and attributes. */
export async function deleteAppUser(deps: Deps, ecosystemId: string, uniqueId: string): Promise<void> {
  const user = await findAppUser(deps, ecosystemId, uniqueId);
  await deleteUser(deps, user.id);
}

/** Logs the user out: every token of theirs stops working. */
export async function logOutAppUser(deps: Deps, ecosystemId: string, uniqueId: string): Promise<void> {
  const user = await findAppUser(deps, ecosystemId, uniqueId);
  await revokeAllTokensForUser(deps, user.id, 'logout');
}

async function grantsOf(deps: Deps, userIds: string[]): Promise<Map<string, Grant[]>> {
  const byUser = new Map<string, Grant[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await repo.listGrantsOfUsers(deps.db, userIds);
  rows.sort((a, b) => a.environmentId.localeCompare(b.environmentId));
  for (const row of rows) byUser.get(row.userId)!.push({ environmentId: row.environmentId, accessLevel: row.accessLevel });
  return byUser;
}

/** A page of the ecosystem's application users (users made through other faces have no unique id). */
export async function pageAppUsers(
  deps: Deps,
  query: { ecosystemId: string; limit: number; cursor?: string },
): Promise<{ items: AppUser[]; next: string | null }> {
  const page = await pageUsers(deps, { ...query, appUsersOnly: true });
  const users = page.items;
  const grants = await grantsOf(
    deps,
    users.map((user) => user.id),
  );
  return { items: users.map((user) => ({ user, access: grants.get(user.id)! })), next: page.next };
}
