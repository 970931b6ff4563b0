// Registered OAuth clients: the operator's rules for them (redirect URIs absolute https, or http
// on a loopback host for native apps and development; no fragment; matched exactly), the secret of
// a confidential client (32 random bytes, shown once, stored as a SHA-256 and compared in constant
// time) or its public keys for private_key_jwt. Authenticating a client: client-authentication.ts.
import { sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import * as repo from '../store/oauth-client-repo';
import type { ClientChanges, NewClient, OAuthClientRow } from '../store/oauth-client-repo';
import type { Statement } from '../store/db';
import type { Deps } from './deps';
import { batchWithEvents } from './events';
import { AppError, invalidField } from './errors';
import { publishClientEpoch } from './revocation';

export type { OAuthClientRow };

/** The scopes a client may be granted: OpenID Connect's and its standard claims' groups. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;
export const MAX_URIS = 20;
export const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export interface ClientInput {
  name?: string;
  redirectUris?: unknown;
  postLogoutRedirectUris?: unknown;
  scopes?: unknown;
  allowPasswordGrant?: boolean;
  requirePkce?: boolean;
  allowClientCredentials?: boolean;
  clientCredentialsScopes?: unknown;
  clientCredentialsResources?: unknown;
  allowDeviceGrant?: boolean;
  /** `private_key_jwt` (with `jwks`): the client signs an assertion instead of holding a secret; else its secret. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  jwks?: unknown;
}

export const PRIVATE_KEY_JWT = 'private_key_jwt';
export { CLIENT_ASSERTION_ALGORITHMS } from '../crypto/client-assertion';
const MAX_JWKS_KEYS = 10;
/** Members of a private JWK: a key set holding one is refused, it was never meant to leave the client. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A client's public key set for private_key_jwt: 1 to 10 EC, RSA or OKP public keys. */
function jwkSet(value: unknown, method: string | null): { keys: Record<string, unknown>[] } | null {
  if (value === undefined || value === null) {
    if (method === PRIVATE_KEY_JWT) throw invalidField('jwks', 'is required for private_key_jwt');
    return null;
  }
  const keys = (value as { keys?: unknown }).keys;
  if (
    typeof value !== 'object' ||
    !Array.isArray(keys) ||
    keys.length === 0 ||
    keys.length > MAX_JWKS_KEYS ||
    keys.some(
      (key) =>
        typeof key !== 'object' ||
        key === null ||
        !['EC', 'RSA', 'OKP'].includes((key as { kty?: unknown }).kty as string) ||
        PRIVATE_JWK_MEMBERS.some((member) => member in key),
    )
  ) {
    throw invalidField('jwks', `must be a JWK set of 1 to ${MAX_JWKS_KEYS} public EC, RSA or OKP keys`);
  }
  return { keys: keys as Record<string, unknown>[] };
}

/**
 * The stored auth method of a confidential client: as registered (null: the operator's, its secret
 * by either method); a public client has none. Both secret methods are accepted whichever is named.
 */
function authMethodOf(value: ClientInput['tokenEndpointAuthMethod'], isPublic: boolean): string | null {
  if (value === undefined) return null;
  if (isPublic) throw invalidField('tokenEndpointAuthMethod', 'is for confidential clients only');
  if (!['client_secret_basic', 'client_secret_post', PRIVATE_KEY_JWT].includes(value)) {
    throw invalidField('tokenEndpointAuthMethod', 'must be client_secret_basic, client_secret_post or private_key_jwt');
  }
  return value;
}

/** RFC 6749 3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
export const MAX_MACHINE_SCOPES = 50;

/** The scopes the operator lets a client's machine tokens carry: RFC 6749 scope tokens, its own words. */
function machineScopeList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    value.length > MAX_MACHINE_SCOPES ||
    value.some((scope) => typeof scope !== 'string' || !SCOPE_TOKEN.test(scope))
  ) {
    throw invalidField(
      'clientCredentialsScopes',
      `must be an array of at most ${MAX_MACHINE_SCOPES} scope tokens (printable ASCII, no spaces)`,
    );
  }
  return [...new Set(value as string[])];
}

/** Whether a redirect URI may be registered: absolute https, or http on a loopback host; no fragment. */
export function isAllowedRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
}

export function uriList(value: unknown, field: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalidField(field, 'is missing');
    return [];
  }
  if (!Array.isArray(value)) throw invalidField(field, 'must be an array of URIs');
  if (required && value.length === 0) throw invalidField(field, 'must hold at least one URI');
  if (value.length > MAX_URIS) throw invalidField(field, `must hold at most ${MAX_URIS} URIs`);
  for (const uri of value) {
    if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH || !isAllowedRedirectUri(uri)) {
      throw invalidField(field, 'must hold absolute https URIs (or http on localhost or 127.0.0.1) without a fragment');
    }
  }
  return [...new Set(value as string[])];
}

function scopeList(value: unknown): string[] {
  if (value === undefined || value === null) return [...SUPPORTED_SCOPES];
  if (!Array.isArray(value) || value.some((scope) => !(SUPPORTED_SCOPES as readonly unknown[]).includes(scope))) {
    throw invalidField('scopes', `must be an array of ${SUPPORTED_SCOPES.join(', ')}`);
  }
  return [...new Set(value as string[])];
}

function checkName(name: string | undefined, required: boolean): string | undefined {
  if (name === undefined) {
    if (required) throw invalidField('name', 'is missing');
    return undefined;
  }
  if (name.trim() === '') throw invalidField('name', 'must not be empty');
  return name;
}

export interface CreatedClient {
  client: OAuthClientRow;
  /** Only for a confidential client, and only now: it is stored hashed. */
  clientSecret?: string;
}

/** What registering a client dynamically adds (client-registration.ts): where, the registration token's hash, and the batch's other statements. */
export interface RegistrationExtras {
  /** The client id, chosen beforehand (the registering client is the events' actor). */
  id: string;
  ecosystemId: string;
  registrationTokenHash: string;
  /** Statements after the insert (an initial access token's spend); their results follow the client's. */
  statements?: (clientId: string) => Statement[];
}

export async function createClient(
  deps: Deps,
  input: ClientInput & { isPublic: boolean },
  registration?: RegistrationExtras,
): Promise<CreatedClient & { results: unknown[] }> {
  const now = deps.now();
  const method = authMethodOf(input.tokenEndpointAuthMethod, input.isPublic);
  const clientSecret = input.isPublic || method === PRIVATE_KEY_JWT ? undefined : randomToken(32);
  const id = registration?.id ?? randomId();
  const allowDeviceGrant = input.allowDeviceGrant ?? false;
  const row: NewClient = {
    id,
    name: checkName(input.name, true)!,
    isPublic: input.isPublic,
    secretHash: clientSecret === undefined ? null : sha256Hex(clientSecret),
    // A client of the device grant alone (a command-line tool) never receives a redirect.
    redirectUris: uriList(input.redirectUris, 'redirectUris', !allowDeviceGrant),
    postLogoutRedirectUris: uriList(input.postLogoutRedirectUris, 'postLogoutRedirectUris', false),
    scopes: scopeList(input.scopes),
    allowPasswordGrant: input.allowPasswordGrant ?? false,
    requirePkce: checkPkceFlag(input.requirePkce, input.isPublic) ?? true,
    allowClientCredentials: checkClientCredentialsFlag(input.allowClientCredentials, input.isPublic) ?? false,
    clientCredentialsScopes: machineScopeList(input.clientCredentialsScopes),
    clientCredentialsResources: uriList(input.clientCredentialsResources, 'clientCredentialsResources', false),
    allowDeviceGrant,
    tokenEndpointAuthMethod: method,
    jwks: jwkSet(input.jwks, method),
    registeredInEcosystemId: registration?.ecosystemId ?? null,
    registrationTokenHash: registration?.registrationTokenHash ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const [rows, ...results] = await batchWithEvents(
    deps,
    [repo.insertClient(deps.db, row), ...(registration?.statements?.(id) ?? [])],
    [
      {
        type: 'client.created',
        ecosystemId: registration?.ecosystemId ?? null,
        // Only if the client is still there at the end of the batch (a registration's token was good).
        guard: repo.clientExists(id),
        details: { clientId: id, isPublic: input.isPublic, ...(registration ? { dynamic: true } : {}) },
      },
    ],
  );
  const [client] = rows as OAuthClientRow[];
  return { client: client!, results, ...(clientSecret === undefined ? {} : { clientSecret }) };
}

/** A client id's shape (a UUID): anything else is no registered client. */
const CLIENT_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The registered client of this id, or undefined (any other id, e.g. a legacy face's `gatehouse`). */
export function findClient(deps: Deps, clientId: string): Promise<OAuthClientRow | undefined> {
  return CLIENT_ID_SHAPE.test(clientId) ? repo.findClient(deps.db, clientId) : Promise.resolve(undefined);
}

export async function getClient(deps: Deps, clientId: string): Promise<OAuthClientRow> {
  const client = await findClient(deps, clientId);
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  return client;
}

export function listClients(deps: Deps): Promise<OAuthClientRow[]> {
  return repo.listClients(deps.db, 1000);
}

/** PKCE may be left off only by a confidential client (RFC 9700 2.1.1): a public one has nothing else to bind its code. */
function checkPkceFlag(value: boolean | undefined, isPublic: boolean): boolean | undefined {
  if (value === false && isPublic) throw invalidField('requirePkce', 'can be turned off for confidential clients only');
  return value;
}

/** The client credentials grant is a confidential client's only (RFC 6749 4.4): a public one cannot be allowed it. */
function checkClientCredentialsFlag(value: boolean | undefined, isPublic: boolean): boolean | undefined {
  if (value === true && isPublic) throw invalidField('allowClientCredentials', 'is for confidential clients only');
  return value;
}

/**
 * Changes a client. Withdrawing the client credentials grant (or narrowing its scopes or resources) raises the
 * client's token epoch in the same UPDATE and publishes it: the machine tokens it already has stop
 * at the edge as a user's tokens do after a revocation.
 */
export async function updateClient(
  deps: Deps,
  clientId: string,
  input: ClientInput,
  ecosystemId: string | null = null,
): Promise<OAuthClientRow> {
  const current = await getClient(deps, clientId);
  const changes: ClientChanges = {};
  if (input.name !== undefined) changes.name = checkName(input.name, false);
  if (input.redirectUris !== undefined) changes.redirectUris = uriList(input.redirectUris, 'redirectUris', true);
  if (input.postLogoutRedirectUris !== undefined) {
    changes.postLogoutRedirectUris = uriList(input.postLogoutRedirectUris, 'postLogoutRedirectUris', false);
  }
  if (input.scopes !== undefined) changes.scopes = scopeList(input.scopes);
  if (input.allowPasswordGrant !== undefined) changes.allowPasswordGrant = input.allowPasswordGrant;
  if (input.requirePkce !== undefined) changes.requirePkce = checkPkceFlag(input.requirePkce, current.isPublic);
  if (input.allowClientCredentials !== undefined) {
    changes.allowClientCredentials = checkClientCredentialsFlag(input.allowClientCredentials, current.isPublic);
  }
  if (input.clientCredentialsScopes !== undefined) changes.clientCredentialsScopes = machineScopeList(input.clientCredentialsScopes);
  if (input.clientCredentialsResources !== undefined) {
    changes.clientCredentialsResources = uriList(input.clientCredentialsResources, 'clientCredentialsResources', false);
  }
  if (input.allowDeviceGrant !== undefined) changes.allowDeviceGrant = input.allowDeviceGrant;
  if (input.tokenEndpointAuthMethod !== undefined || input.jwks !== undefined) {
    const method =
      input.tokenEndpointAuthMethod === undefined
        ? current.tokenEndpointAuthMethod
        : authMethodOf(input.tokenEndpointAuthMethod, current.isPublic);
    // A confidential client that never had a secret (it signed assertions) cannot fall back to one.
    if (method !== PRIVATE_KEY_JWT && !current.isPublic && current.secretHash === null) {
      throw invalidField('tokenEndpointAuthMethod', 'must stay private_key_jwt: this client has no secret');
    }
    changes.tokenEndpointAuthMethod = method;
    changes.jwks = jwkSet(input.jwks === undefined ? current.jwks : input.jwks, method);
  }
  const narrowed = (now: string[], next: string[] | undefined) => next !== undefined && now.some((item) => !next.includes(item));
  const withdrawn =
    (current.allowClientCredentials && changes.allowClientCredentials === false) ||
    narrowed(current.clientCredentialsScopes, changes.clientCredentialsScopes) ||
    narrowed(current.clientCredentialsResources, changes.clientCredentialsResources);
  const now = deps.now();
  const [rows] = await batchWithEvents(
    deps,
    [repo.updateClient(deps.db, clientId, changes, now, withdrawn)],
    [
      {
        type: 'client.updated',
        ecosystemId,
        guard: repo.clientExists(clientId, now),
        details: { clientId, fields: Object.keys(changes) },
      },
    ],
  );
  const [row] = rows as OAuthClientRow[];
  if (!row) throw new AppError('CLIENT_NOT_FOUND');
  if (withdrawn) await publishClientEpoch(deps, clientId, row.tokenEpoch);
  return row;
}

/** Deletes a client; its machine tokens end as by a raised epoch (no client of that id can issue more). */
export async function deleteClient(deps: Deps, clientId: string, ecosystemId: string | null = null): Promise<void> {
  const event = { type: 'client.deleted', ecosystemId, guard: repo.clientExists(clientId), details: { clientId } } as const;
  const deleted = CLIENT_ID_SHAPE.test(clientId)
    ? ((await batchWithEvents(deps, [], [event], [repo.deleteClient(deps.db, clientId)]))[0] as { tokenEpoch: number }[])
    : [];
  if (deleted.length === 0) throw new AppError('CLIENT_NOT_FOUND');
  await publishClientEpoch(deps, clientId, deleted[0]!.tokenEpoch + 1);
}
