// Ecosystems, their environments and server tokens, and who is calling an ecosystem-level route:
// the deployment's account token (any ecosystem) or a server token (its own ecosystem only).
// Server tokens are shown once and stored as SHA-256; both kinds are compared in constant time.
import { constantTimeEqual, sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import * as repo from '../store/ecosystem-repo';
import type { EcosystemRow, EnvironmentRow } from '../store/ecosystem-repo';
import type { Deps } from './deps';
import { batchWithEvents } from './events';
import { AppError } from './errors';
import { requireEcosystem } from './users';

export type Caller = { kind: 'account' } | { kind: 'server'; ecosystemId: string; tokenId: string };

const SERVER_TOKEN_PREFIX = 'gst_';

export function isAccountToken(deps: Deps, token: string): boolean {
  return constantTimeEqual(sha256Hex(token), sha256Hex(deps.config.accountToken));
}

/** The account token, or UNAUTHENTICATED; the operator is then who acts in this request. */
export function requireAccountToken(deps: Deps, token: string): void {
  if (!isAccountToken(deps, token)) throw new AppError('UNAUTHENTICATED');
  deps.actor = { kind: 'operator', via: 'account_token' };
}

/** The account token or a live server token; anything else is UNAUTHENTICATED. */
export async function authenticateEcosystemCaller(deps: Deps, token: string): Promise<Caller> {
  if (isAccountToken(deps, token)) {
    deps.actor = { kind: 'operator', via: 'account_token' };
    return { kind: 'account' };
  }
  if (token.startsWith(SERVER_TOKEN_PREFIX)) {
    const row = await repo.findServerTokenByHash(deps.db, sha256Hex(token));
    if (row) {
      deps.actor = { kind: 'operator', via: 'server_token', tokenId: row.id, ecosystemId: row.ecosystemId };
      return { kind: 'server', ecosystemId: row.ecosystemId, tokenId: row.id };
    }
  }
  throw new AppError('UNAUTHENTICATED');
}

/** Throws ECOSYSTEM_NOT_FOUND for an ecosystem the caller may not see, as for one that does not exist. */
export async function requireEcosystemForCaller(deps: Deps, caller: Caller, ecosystemId: string): Promise<void> {
  if (caller.kind === 'server' && caller.ecosystemId !== ecosystemId) {
    throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
  }
  await requireEcosystem(deps, ecosystemId);
}

export async function createEcosystem(deps: Deps, name: string | undefined): Promise<EcosystemRow> {
  const row = {
    id: randomId(),
    name: name ?? 'ecosystem',
    createdAt: deps.now(),
    lastUserNumber: 0,
    userCount: 0,
    passwordMinLength: null,
    passwordRejectCommon: null,
    mfaPolicy: null,
    mfaAdminPolicy: null,
    openClientRegistration: false,
  };
  await batchWithEvents(
    deps,
    [repo.insertEcosystemQuery(deps.db, row)],
    [{ type: 'ecosystem.created', ecosystemId: row.id, details: { name: row.name } }],
  );
  return row;
}

export function listEcosystems(deps: Deps): Promise<EcosystemRow[]> {
  return repo.listEcosystems(deps.db);
}

export async function createEnvironment(deps: Deps, ecosystemId: string, name: string | undefined): Promise<EnvironmentRow> {
  await requireEcosystem(deps, ecosystemId);
  const row = { id: randomId(), ecosystemId, name: name ?? 'environment', createdAt: deps.now() };
  await repo.insertEnvironmentQuery(deps.db, row);
  return row;
}

export async function createServerToken(deps: Deps, ecosystemId: string, name: string | undefined): Promise<{ id: string; token: string }> {
  await requireEcosystem(deps, ecosystemId);
  const token = SERVER_TOKEN_PREFIX + randomToken(32);
  const id = randomId();
  const row = { id, ecosystemId, name: name ?? 'server token', tokenHash: sha256Hex(token), createdAt: deps.now() };
  await batchWithEvents(
    deps,
    [repo.insertServerTokenQuery(deps.db, row)],
    [{ type: 'server_token.created', ecosystemId, details: { serverTokenId: id, name: row.name } }],
  );
  return { id, token };
}

export async function revokeServerToken(deps: Deps, id: string): Promise<void> {
  // The event first, while the token's row still names its ecosystem (and only if there is one).
  const [deleted] = await batchWithEvents(
    deps,
    [],
    [
      {
        type: 'server_token.revoked',
        ecosystemId: repo.ecosystemOfServerToken(id),
        guard: repo.serverTokenExists(id),
        details: { serverTokenId: id },
      },
    ],
    [repo.deleteServerTokenQuery(deps.db, id)],
  );
  if ((deleted as unknown[]).length === 0) throw new AppError('SERVER_TOKEN_NOT_FOUND');
}

/** One ecosystem, with its environments and its server tokens (names and ids, never a hash). */
export async function describeEcosystem(
  deps: Deps,
  ecosystemId: string,
): Promise<{ ecosystem: EcosystemRow; environments: EnvironmentRow[]; serverTokens: { id: string; name: string; createdAt: number }[] }> {
  const ecosystem = await repo.findEcosystem(deps.db, ecosystemId);
  if (!ecosystem) throw new AppError('ECOSYSTEM_NOT_FOUND');
  const [environments, serverTokens] = await Promise.all([
    repo.listEnvironments(deps.db, ecosystemId),
    repo.listServerTokens(deps.db, ecosystemId),
  ]);
  return { ecosystem, environments, serverTokens };
}
