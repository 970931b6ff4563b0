// Environment access: all or nothing per environment. Grants live in D1 and are published to KV
// (`grants:<userId>`), so the gateway checks them without a D1 read on every request.
import { environmentIdsIn } from '../store/ecosystem-repo';
import { kvKeys } from '../store/kv';
import { listGrants, replaceGrantsQueries } from '../store/user-repo';
import type { Deps } from './deps';
import { edgeReadOrUnknown } from './edge-read';
import { AppError } from './errors';
import { publishGrants } from './revocation';

export interface Grant {
  environmentId: string;
  accessLevel: string;
}

/** The queries that replace a user's grants; throws ENVIRONMENT_NOT_FOUND for a foreign id. */
export async function grantQueries(deps: Deps, ecosystemId: string, userId: string, grants: Grant[]) {
  const ids = [...new Set(grants.map((grant) => grant.environmentId))];
  if (ids.length > 0) {
    const found = await environmentIdsIn(deps.db, ecosystemId, ids);
    if (found.length !== ids.length) throw new AppError('ENVIRONMENT_NOT_FOUND', { field: 'access' });
  }
  const unique = ids.map((id) => grants.find((grant) => grant.environmentId === id)!);
  return replaceGrantsQueries(deps.db, userId, unique);
}

export function publishUserGrants(deps: Deps, userId: string, grants: Grant[]): Promise<void> {
  return publishGrants(
    deps,
    userId,
    grants.map((grant) => grant.environmentId),
  );
}

export function userGrants(deps: Deps, userId: string): Promise<Grant[]> {
  return listGrants(deps.db, userId);
}

/**
 * Whether the user may reach the environment: from the isolate's cache, KV, or (never published)
 * D1; `strict` reads D1 only, as strict routes check revocation there too.
 */
export async function canReachEnvironment(
  deps: Deps,
  userId: string,
  environmentId: string,
  options: { strict?: boolean } = {},
): Promise<boolean> {
  const key = kvKeys.grants(userId);
  const read = options.strict ? undefined : await edgeReadOrUnknown(deps, key);
  // Strict, or KV unreadable: D1 holds the grants themselves.
  if (!read) return (await listGrants(deps.db, userId)).some((grant) => grant.environmentId === environmentId);
  let { value: published, readAt } = read;
  if (published === null) {
    published = JSON.stringify((await listGrants(deps.db, userId)).map((grant) => grant.environmentId));
    deps.edge.rememberValue(key, published, readAt);
  }
  return (JSON.parse(published) as string[]).includes(environmentId);
}
