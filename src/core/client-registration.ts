// Dynamic client registration (RFC 7591) and its management protocol (RFC 7592). A client
// registers with an initial access token the operator made (bound to an ecosystem, optionally
// expiring and limited in uses) or, where the ecosystem allows it, openly as a public client. The
// metadata is checked by the same rules as an operator's client (oauth-clients.ts); a problem with
// a redirect URI is `invalid_redirect_uri`, any other `invalid_client_metadata`. The answer holds a
// registration access token (32 random bytes, shown once, stored as a SHA-256) with which the
// client reads, replaces or deletes its registration afterwards.
import { secretMatchesHash, sha256Hex } from '../crypto/digest';
import { randomId, randomToken } from '../crypto/random';
import { ecosystemExistsGuard, ensureEcosystemQuery } from '../store/ecosystem-repo';
import * as repo from '../store/registration-repo';
import { actAs } from './actors';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { batchWithEvents } from './events';
import {
  createClient,
  deleteClient,
  findClient,
  PRIVATE_KEY_JWT,
  SUPPORTED_SCOPES,
  updateClient,
  type ClientInput,
  type OAuthClientRow,
} from './oauth-clients';
import { requireEcosystem } from './users';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const GRANT_TYPES = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT];
const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', PRIVATE_KEY_JWT] as const;
const MAX_NAME_LENGTH = 200;
const MAX_TOKEN_LIST = 1000;

/** RFC 7591 2: the metadata a client sends (unknown members are ignored, as 2 allows). */
export type ClientMetadata = Record<string, unknown>;

const badMetadata = (reason: string) => new AppError('INVALID_CLIENT_METADATA', { reason });

function stringList(metadata: ClientMetadata, name: string, fallback: string[]): string[] {
  const value = metadata[name];
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw badMetadata(`${name} must be an array of strings`);
  return value as string[];
}

/** The metadata as an operator's client input, or INVALID_CLIENT_METADATA naming what is wrong. */
function clientInputOf(metadata: ClientMetadata): ClientInput & { isPublic: boolean } {
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!(AUTH_METHODS as readonly unknown[]).includes(method)) {
    throw badMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  }
  const grants = stringList(metadata, 'grant_types', ['authorization_code']);
  if (grants.some((grant) => !GRANT_TYPES.includes(grant))) throw badMetadata(`grant_types may hold ${GRANT_TYPES.join(', ')}`);
  const responseTypes = stringList(metadata, 'response_types', grants.includes('authorization_code') ? ['code'] : []);
  if (responseTypes.some((type) => type !== 'code')) throw badMetadata('response_types may hold code only');
  if (metadata.jwks_uri !== undefined) throw badMetadata('jwks_uri is not supported: send the keys as jwks');
  const name = metadata.client_name ?? 'Unnamed client';
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    throw badMetadata(`client_name must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  const scope = metadata.scope;
  if (scope !== undefined && typeof scope !== 'string') throw badMetadata('scope must be a space-separated string');
  const codeGrant = grants.includes('authorization_code');
  return {
    name,
    isPublic: method === 'none',
    redirectUris: codeGrant ? (metadata.redirect_uris ?? []) : [],
    postLogoutRedirectUris: metadata.post_logout_redirect_uris ?? [],
    scopes: scope === undefined ? undefined : [...new Set(scope.split(' ').filter(Boolean))],
    allowDeviceGrant: grants.includes(DEVICE_CODE_GRANT),
    ...(method === 'none' ? {} : { tokenEndpointAuthMethod: method as ClientInput['tokenEndpointAuthMethod'] }),
    jwks: metadata.jwks,
  };
}

/** The core's field errors in RFC 7591's words: a URI list is invalid_redirect_uri, the rest invalid_client_metadata. */
async function inRegistrationTerms<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'INVALID_FIELD') throw error;
    const { field, reason } = error.detail;
    const names: Record<string, string> = {
      redirectUris: 'redirect_uris',
      postLogoutRedirectUris: 'post_logout_redirect_uris',
      scopes: 'scope',
      jwks: 'jwks',
      tokenEndpointAuthMethod: 'token_endpoint_auth_method',
      name: 'client_name',
    };
    const detail = { reason: `${names[field ?? ''] ?? field} ${reason}` };
    throw new AppError(
      field === 'redirectUris' || field === 'postLogoutRedirectUris' ? 'INVALID_REDIRECT_URI' : 'INVALID_CLIENT_METADATA',
      detail,
    );
  }
}

/** RFC 7591 3.2.1: the client's metadata as registered (the token and secret are added by the caller, once). */
export function registeredMetadata(client: OAuthClientRow, registrationClientUri: string) {
  const grants = [
    ...(client.redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : []),
    ...(client.allowDeviceGrant ? [DEVICE_CODE_GRANT] : []),
  ];
  return {
    client_id: client.id,
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: grants,
    response_types: client.redirectUris.length > 0 ? ['code'] : [],
    token_endpoint_auth_method: client.isPublic ? 'none' : (client.tokenEndpointAuthMethod ?? 'client_secret_basic'),
    scope: client.scopes.join(' '),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    registration_client_uri: registrationClientUri,
  };
}

export interface Registered {
  client: OAuthClientRow;
  clientSecret?: string;
  registrationAccessToken: string;
}

/**
 * POST /oauth/register. With an initial access token: the token must be live (else INVALID_TOKEN),
 * and the client is registered in its ecosystem, its use counted in the same batch. Without one: only
 * where DEFAULT_ECOSYSTEM allows open registration (else INVALID_TOKEN), and only a public client
 * of the code grant.
 */
export async function registerClient(deps: Deps, initialToken: string | undefined, metadata: ClientMetadata): Promise<Registered> {
  const input = clientInputOf(metadata);
  const registrationAccessToken = randomToken(32);
  const id = randomId();
  const extras = { id, registrationTokenHash: sha256Hex(registrationAccessToken) };
  if (initialToken === undefined) {
    const ecosystemId = deps.config.defaultEcosystem;
    if (!(await repo.openRegistrationOf(deps.db, ecosystemId)))
      throw new AppError('INVALID_TOKEN', { reason: 'an initial access token is required' });
    if (!input.isPublic) throw badMetadata('open registration makes public clients only: token_endpoint_auth_method must be none');
    if (input.allowDeviceGrant) throw badMetadata('the device grant needs an initial access token');
    actAs(deps, { kind: 'client', clientId: id });
    const created = await inRegistrationTerms(() => createClient(deps, input, { ...extras, ecosystemId }));
    return { client: created.client, registrationAccessToken };
  }
  const found = await repo.findInitialAccessTokenByHash(deps.db, sha256Hex(initialToken));
  if (!found) throw new AppError('INVALID_TOKEN');
  actAs(deps, { kind: 'initial_access_token', tokenId: found.id });
  const created = await inRegistrationTerms(() =>
    createClient(deps, input, {
      ...extras,
      ecosystemId: found.ecosystemId,
      statements: (clientId) => [
        repo.spendInitialAccessToken(deps.db, found.id, clientId, deps.now()),
        repo.undoUnpaidClient(deps.db, found.id, clientId),
      ],
    }),
  );
  const [spent] = created.results[0] as unknown[];
  if (!spent) throw new AppError('INVALID_TOKEN', { reason: 'the initial access token has expired or is used up' });
  return { client: created.client, registrationAccessToken, ...(created.clientSecret ? { clientSecret: created.clientSecret } : {}) };
}

/** The client a registration access token manages (RFC 7592 3), acting as it; INVALID_TOKEN for any other. */
export async function authenticateRegistration(deps: Deps, clientId: string, token: string): Promise<OAuthClientRow> {
  const client = await findClient(deps, clientId);
  if (!client?.registrationTokenHash || !secretMatchesHash(token, client.registrationTokenHash)) throw new AppError('INVALID_TOKEN');
  actAs(deps, { kind: 'client', clientId });
  return client;
}

/** RFC 7592 2.2: replaces the metadata (left out: the default). The client's kind and, openly registered, its grants stay. */
export async function replaceRegistration(deps: Deps, client: OAuthClientRow, metadata: ClientMetadata): Promise<OAuthClientRow> {
  if (metadata.client_id !== client.id) throw badMetadata('client_id must be the registered client’s');
  const input = clientInputOf(metadata);
  if (input.isPublic !== client.isPublic) throw badMetadata('token_endpoint_auth_method cannot change between none and the others');
  if (input.allowDeviceGrant && !client.allowDeviceGrant) throw badMetadata('the device grant cannot be added here');
  const { isPublic: _same, ...changes } = input;
  const full: ClientInput = {
    ...changes,
    scopes: changes.scopes ?? [...SUPPORTED_SCOPES],
    tokenEndpointAuthMethod: changes.tokenEndpointAuthMethod ?? (client.isPublic ? undefined : 'client_secret_basic'),
  };
  return inRegistrationTerms(() => updateClient(deps, client.id, full, client.registeredInEcosystemId));
}

/** RFC 7592 2.3: the client is deleted (its codes and machine tokens go with it). */
export function deleteRegistration(deps: Deps, client: OAuthClientRow): Promise<void> {
  return deleteClient(deps, client.id, client.registeredInEcosystemId);
}

export interface InitialAccessTokenInput {
  name?: string;
  expiresInSeconds?: number;
  maxUses?: number;
}

/** The operator's view of an initial access token (never the token). */
export type InitialAccessTokenRow = repo.InitialAccessTokenRow;

/** Makes an initial access token for the ecosystem: shown once, stored as a SHA-256. */
export async function createInitialAccessToken(
  deps: Deps,
  ecosystemId: string,
  input: InitialAccessTokenInput,
): Promise<{ row: InitialAccessTokenRow; token: string }> {
  // The default ecosystem exists before its first user, as everywhere else.
  if (ecosystemId === deps.config.defaultEcosystem) await ensureEcosystemQuery(deps.db, ecosystemId, deps.now());
  else await requireEcosystem(deps, ecosystemId);
  if (input.maxUses !== undefined && (!Number.isInteger(input.maxUses) || input.maxUses < 1)) {
    throw invalidField('maxUses', 'must be a whole number of at least 1');
  }
  const token = `iat_${randomToken(32)}`;
  const now = deps.now();
  const rows = await repo.insertInitialAccessToken(deps.db, {
    id: randomId(),
    ecosystemId,
    name: input.name ?? 'initial access token',
    tokenHash: sha256Hex(token),
    createdAt: now,
    expiresAt: input.expiresInSeconds === undefined ? null : now + input.expiresInSeconds * 1000,
    maxUses: input.maxUses ?? null,
  });
  return { row: rows[0]!, token };
}

export function listInitialAccessTokens(deps: Deps): Promise<InitialAccessTokenRow[]> {
  return repo.listInitialAccessTokens(deps.db, MAX_TOKEN_LIST);
}

export async function deleteInitialAccessToken(deps: Deps, id: string): Promise<void> {
  const deleted = await repo.deleteInitialAccessToken(deps.db, id);
  if (deleted.length === 0) throw new AppError('INITIAL_ACCESS_TOKEN_NOT_FOUND');
}

/** Turns the ecosystem's open registration of public clients on or off (the default ecosystem is made if need be). */
export async function setOpenRegistration(deps: Deps, ecosystemId: string, open: boolean): Promise<boolean> {
  const create = ecosystemId === deps.config.defaultEcosystem;
  const [rows] = (await batchWithEvents(
    deps,
    [repo.setOpenRegistrationQuery(deps.db, ecosystemId, open, deps.now(), create)],
    [
      {
        type: 'ecosystem.updated',
        ecosystemId,
        guard: ecosystemExistsGuard(ecosystemId),
        details: { fields: ['openClientRegistration'], openClientRegistration: open },
      },
    ],
  )) as { open: boolean }[][];
  const row = rows?.[0];
  if (!row) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return row.open;
}

/** Whether the ecosystem allows open registration (the default ecosystem before its first user: no). */
export async function openRegistration(deps: Deps, ecosystemId: string): Promise<boolean> {
  const open = await repo.openRegistrationOf(deps.db, ecosystemId);
  if (open === undefined && ecosystemId !== deps.config.defaultEcosystem) throw new AppError('ECOSYSTEM_NOT_FOUND');
  return open ?? false;
}
