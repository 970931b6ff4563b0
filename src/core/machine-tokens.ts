// The client credentials grant (RFC 6749 4.4) and the machine tokens it issues: a confidential
// client, authenticated, that the operator allowed the grant, gets an access token whose subject
// is the client (access-tokens.ts), for the scopes it asked for among those allowed, and no
// refresh token (4.4.3: it can always ask again). With `resource` (RFC 8707), one of the resources
// the operator allowed the client, the token's `aud` names it beside this service's audience: the
// edge (which checks its own audience) still takes it, and the resource behind it, or forward-auth
// asked with `?resource=`, can tell a token meant for it from one meant for another.
//
// Revocation follows the users' rule (revocation.ts): each client has a token epoch; a machine
// token carries the one it was issued under as `cgen` and is refused once the client's is higher.
// Withdrawing the grant (or a scope) raises it, deleting the client publishes one past it. The
// edge reads it from KV through the isolate's cache (EDGE_RECHECK_SECONDS plus KV's propagation,
// as for user tokens); `strict` (introspection) reads the client from D1 instead.
import { sha256Hex } from '../crypto/digest';
import { TokenVerificationError, unverifiedClaims, verifyToken, type Claims } from '../crypto/jwt';
import { findClient as findClientRow } from '../store/oauth-client-repo';
import { kvKeys } from '../store/kv';
import { issueMachineAccessToken, type IssuedAccessToken } from './access-tokens';
import type { Deps } from './deps';
import { edgeReadOrUnknown } from './edge-read';
import type { CachedToken } from './edge-state';
import { AppError } from './errors';
import { authenticateClient, type ClientCredentials } from './client-authentication';
import { clientEpochKey } from './revocation';

export const CLIENT_CREDENTIALS = 'client_credentials';
const MAX_TOKEN_LENGTH = 8192;

export interface MachineIssued extends IssuedAccessToken {
  scope?: string;
}

/** The request's `resource`: one the operator allowed the client (RFC 8707 2: else invalid_target). */
function grantedResource(allowed: string[], asked: string | undefined): string | undefined {
  if (asked === undefined) return undefined;
  if (!allowed.includes(asked)) throw new AppError('INVALID_TARGET');
  return asked;
}

/**
 * The scopes to grant: those asked for (space-separated), each one the operator allowed the
 * client, else INVALID_SCOPE; none asked for means all it is allowed (RFC 6749 3.3 lets the server
 * choose a default). Undefined when the client has none.
 */
function grantedScope(allowed: string[], asked: string | undefined): string | undefined {
  if (asked === undefined) return allowed.length === 0 ? undefined : allowed.join(' ');
  const scopes = [...new Set(asked.split(' ').filter((scope) => scope !== ''))];
  if (scopes.some((scope) => !allowed.includes(scope))) throw new AppError('INVALID_SCOPE');
  return scopes.length === 0 ? undefined : scopes.join(' ');
}

/**
 * grant_type=client_credentials: the request must authenticate a confidential client (a public one,
 * none, or a wrong secret is UNAUTHENTICATED: invalid_client), which the operator allowed the grant
 * (else UNAUTHORIZED_CLIENT), for allowed scopes (else INVALID_SCOPE) and an allowed resource
 * (else INVALID_TARGET).
 */
export async function grantClientCredentials(
  deps: Deps,
  credentials: ClientCredentials | undefined,
  request: { scope?: string | undefined; resource?: string | undefined },
): Promise<MachineIssued> {
  if (credentials === undefined) throw new AppError('UNAUTHENTICATED', { reason: 'client authentication is required' });
  if (credentials.secret === undefined && credentials.assertion === undefined)
    throw new AppError('UNAUTHENTICATED', { reason: 'a confidential client must authenticate' });
  const client = await authenticateClient(deps, credentials);
  if (client.isPublic || !client.allowClientCredentials) throw new AppError('UNAUTHORIZED_CLIENT');
  const granted = grantedScope(client.clientCredentialsScopes, request.scope);
  const resource = grantedResource(client.clientCredentialsResources, request.resource);
  const issued = await issueMachineAccessToken(deps, client, granted, resource);
  return { ...issued, ...(granted === undefined ? {} : { scope: granted }) };
}

/** Who a machine token speaks for. */
export interface MachineIdentity {
  clientId: string;
  scope: string | null;
  /** Seconds. */
  issuedAt: number;
  expiresAt: number;
  epoch: number;
  /** Its `aud`: this service's audience, and the resource it was asked for, if any. */
  audience: string[];
  claims: Claims;
}

/** Whether a token says it is a machine token (before any verification): an access token with `gty`. */
export function looksLikeMachineToken(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && unverifiedClaims(token)?.gty === CLIENT_CREDENTIALS;
}

function machineIdentityOf(claims: Claims): MachineIdentity {
  const { sub, client_id: clientId, cgen: epoch, scope } = claims;
  if (
    claims.gty !== CLIENT_CREDENTIALS ||
    typeof clientId !== 'string' ||
    sub !== clientId ||
    claims.sid !== undefined ||
    typeof epoch !== 'number' ||
    !Number.isSafeInteger(epoch) ||
    epoch < 0 ||
    typeof claims.iat !== 'number' ||
    typeof claims.exp !== 'number'
  ) {
    throw new AppError('INVALID_TOKEN');
  }
  const audience = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  return {
    clientId,
    scope: typeof scope === 'string' ? scope : null,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
    epoch,
    audience,
    claims,
  };
}

async function verifyMachineSignature(deps: Deps, token: string): Promise<MachineIdentity> {
  try {
    const claims = await verifyToken(deps.keys, token, {
      kind: 'access',
      issuer: deps.issuer,
      audience: deps.config.audience,
      requireExpiry: true,
      nowSeconds: Math.floor(deps.now() / 1000),
    });
    return machineIdentityOf(claims);
  } catch (error) {
    if (error instanceof TokenVerificationError) throw new AppError(error.reason === 'expired' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
    throw error;
  }
}

/**
 * The edge's check: the client's epoch from KV (through the isolate's cache); returns until when
 * the verdict stands. When KV cannot be read, D1 answers and the verdict is not reused.
 */
async function checkClientEpoch(deps: Deps, identity: MachineIdentity): Promise<number> {
  const read = await edgeReadOrUnknown(deps, kvKeys.clientEpoch(identity.clientId));
  if (!read) {
    await checkClientStrictly(deps, identity);
    return 0;
  }
  const epoch = deps.edge.rememberEpoch(clientEpochKey(identity.clientId), Number(read.value ?? 0) || 0);
  if (identity.epoch < epoch) throw new AppError('TOKEN_REVOKED');
  return read.readAt + deps.config.edgeRecheckSeconds * 1000;
}

/** The same rule read from D1: the client still exists, is still allowed the grant, and its epoch is not higher. */
async function checkClientStrictly(deps: Deps, identity: MachineIdentity): Promise<void> {
  const client = await findClientRow(deps.db, identity.clientId);
  if (client) deps.edge.rememberEpoch(clientEpochKey(identity.clientId), client.tokenEpoch);
  if (!client?.allowClientCredentials || identity.epoch < client.tokenEpoch) throw new AppError('TOKEN_REVOKED');
}

/**
 * The client a machine token proves, or INVALID_TOKEN / TOKEN_EXPIRED / TOKEN_REVOKED. Cached in
 * the isolate as bearer tokens are (by SHA-256, under a key of its own kind).
 */
export async function authenticateMachineToken(deps: Deps, token: string, options: { strict?: boolean } = {}): Promise<MachineIdentity> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new AppError('INVALID_TOKEN');
  const hash = `machine:${sha256Hex(token)}`;
  const cached = deps.edge.tokens.get(hash) as CachedToken<MachineIdentity> | undefined;
  const identity = cached?.identity ?? (await verifyMachineSignature(deps, token));
  try {
    const now = deps.now();
    if (now >= identity.expiresAt * 1000) throw new AppError('TOKEN_EXPIRED');
    const verdictStands = cached && !options.strict && now < cached.checkedUntil && cached.revocations === deps.edge.revocations;
    if (!verdictStands) {
      const revocations = deps.edge.revocations;
      const checkedUntil = options.strict ? 0 : await checkClientEpoch(deps, identity);
      if (options.strict) await checkClientStrictly(deps, identity);
      deps.edge.rememberToken(hash, { identity, checkedUntil, revocations });
    }
  } catch (error) {
    deps.edge.tokens.delete(hash);
    throw error;
  }
  return identity;
}
