// Upstream identity providers, configured by the operator (issue 22): generic OpenID Connect and
// the presets (GitHub, Google, Microsoft, Apple) per ecosystem. The client secret is sealed with
// AES-GCM under a key derived from the IDP_SECRET_KEY Worker secret and stored in D1 (not kept as a
// Worker secret by name): the operator adds, rotates and removes providers through the API alone,
// with no redeploy, while a copy of the database without the Worker secret holds no usable secret.
// No answer ever carries the secret; every answer carries the redirect URI to register upstream.
import { seal, unseal } from '../crypto/sealed';
import { isForeignKeyViolation, uniqueViolation } from '../store/db';
import { ensureEcosystemQuery, environmentIdsIn } from '../store/ecosystem-repo';
import * as repo from '../store/identity-provider-repo';
import type { IdentityProviderChanges, IdentityProviderRow } from '../store/identity-provider-repo';
import type { Deps } from './deps';
import { AppError, invalidField } from './errors';
import { MAX_GRANTS_PER_USER } from './external-users';

export type { IdentityProviderRow };

export const PROVIDER_KINDS = ['oidc', 'github', 'google', 'microsoft', 'apple'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** What each preset knows: its issuer (OpenID discovery) and the scopes asked by default. */
export const PRESETS: Record<ProviderKind, { issuer: string | null; scopes: string[] }> = {
  oidc: { issuer: null, scopes: ['openid', 'email', 'profile'] },
  // GitHub speaks OAuth 2.0 without OpenID: its endpoints are fixed (upstream-github.ts).
  github: { issuer: null, scopes: ['read:user', 'user:email'] },
  google: { issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
  // `common` accepts every tenant; a single-tenant app sets `issuer` to its tenant's.
  microsoft: { issuer: 'https://login.microsoftonline.com/common/v2.0', scopes: ['openid', 'email', 'profile'] },
  apple: { issuer: 'https://appleid.apple.com', scopes: ['openid', 'email', 'name'] },
};

const ID_SHAPE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const MAX_SCOPES = 20;
const SECRET_PURPOSE = 'identity-provider-client-secret';

export interface ProviderInput {
  id?: unknown;
  name?: unknown;
  kind?: unknown;
  clientId?: unknown;
  clientSecret?: unknown;
  issuer?: unknown;
  scopes?: unknown;
  ecosystemId?: unknown;
  linkByVerifiedEmail?: unknown;
  defaultEnvironments?: unknown;
}

/** The key that seals client secrets; without IDP_SECRET_KEY no provider can be configured or used. */
export function idpSecretKey(deps: Deps): string {
  const key = deps.config.idpSecretKey;
  if (!key) throw new AppError('TEMPORARILY_UNAVAILABLE', { reason: 'identity providers need the IDP_SECRET_KEY secret' });
  return key;
}

/** Whether an issuer may be used: https, or http on a loopback host (local development and tests); no query or fragment. */
export function isAllowedIssuer(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash || value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalidField(field, value === undefined || value === null ? 'is missing' : 'must be a string');
  if (value.trim() === '') throw invalidField(field, 'must not be empty');
  if (value.length > max || /[\u0000-\u001f\u007f]/.test(value)) throw invalidField(field, `must be at most ${max} printable characters`);
  return value;
}

function flag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be a boolean');
  return value;
}

function issuerOf(value: unknown, kind: ProviderKind): string | null {
  if (value === undefined || value === null) {
    if (kind === 'oidc') throw invalidField('issuer', 'is missing (required for kind oidc)');
    return PRESETS[kind].issuer;
  }
  if (typeof value !== 'string' || value.length > 500 || !isAllowedIssuer(value)) {
    throw invalidField('issuer', 'must be an https URL (or http on localhost, 127.0.0.1 or [::1]) without a query or fragment');
  }
  if (kind === 'github' && !LOOPBACK_HOSTS.includes(new URL(value).hostname)) {
    // GitHub's endpoints are fixed; an issuer only points a local stand-in at them (tests, development).
    throw invalidField('issuer', 'is not used by kind github (but for a local stand-in on loopback)');
  }
  // Kept as given: discovery must name exactly this issuer.
  return value;
}

function scopesOf(value: unknown, kind: ProviderKind): string[] {
  if (value === undefined || value === null) return [...PRESETS[kind].scopes];
  if (!Array.isArray(value) || value.length > MAX_SCOPES || value.some((scope) => typeof scope !== 'string' || !SCOPE_TOKEN.test(scope))) {
    throw invalidField('scopes', `must be an array of at most ${MAX_SCOPES} scope tokens`);
  }
  const scopes = [...new Set(value as string[])];
  // An OpenID provider's sign-in needs its ID token.
  if (kind !== 'github' && !scopes.includes('openid')) scopes.unshift('openid');
  return scopes;
}

async function environmentsOf(deps: Deps, value: unknown, ecosystemId: string): Promise<string[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_GRANTS_PER_USER || value.some((id) => typeof id !== 'string' || id.length > 64)) {
    throw invalidField('defaultEnvironments', `must be an array of at most ${MAX_GRANTS_PER_USER} environment ids`);
  }
  const ids = [...new Set(value as string[])];
  if (ids.length > 0 && (await environmentIdsIn(deps.db, ecosystemId, ids)).length !== ids.length) {
    throw new AppError('ENVIRONMENT_NOT_FOUND', { field: 'defaultEnvironments' });
  }
  return ids;
}

/** The callback URL to register at the upstream. */
export function redirectUriOf(deps: Deps, providerId: string): string {
  return `${deps.publicUrl}/signin/callback/${providerId}`;
}

export async function createProvider(deps: Deps, input: ProviderInput): Promise<IdentityProviderRow> {
  const key = idpSecretKey(deps);
  const id = text(input.id, 'id', 63);
  if (!ID_SHAPE.test(id))
    throw invalidField('id', 'must be 1 to 63 lower-case letters, digits, "-" or "_", starting with a letter or digit');
  if (typeof input.kind !== 'string' || !(PROVIDER_KINDS as readonly string[]).includes(input.kind)) {
    throw invalidField('kind', `must be one of ${PROVIDER_KINDS.join(', ')}`);
  }
  const kind = input.kind as ProviderKind;
  const ecosystemId =
    input.ecosystemId === undefined || input.ecosystemId === null
      ? deps.config.defaultEcosystem
      : text(input.ecosystemId, 'ecosystemId', 64);
  const now = deps.now();
  const row: repo.NewIdentityProvider = {
    id,
    ecosystemId,
    name: text(input.name, 'name', 100),
    kind,
    clientId: text(input.clientId, 'clientId', 500),
    clientSecretSealed: await seal(key, SECRET_PURPOSE, text(input.clientSecret, 'clientSecret', 4000), id),
    issuer: issuerOf(input.issuer, kind),
    scopes: scopesOf(input.scopes, kind),
    linkByVerifiedEmail: flag(input.linkByVerifiedEmail, 'linkByVerifiedEmail') ?? false,
    defaultEnvironments: await environmentsOf(deps, input.defaultEnvironments, ecosystemId),
    createdAt: now,
    updatedAt: now,
  };
  const insert = repo.insertProvider(deps.db, row);
  try {
    if (ecosystemId === deps.config.defaultEcosystem) {
      const [, inserted] = await deps.db.batch([ensureEcosystemQuery(deps.db, ecosystemId, now), insert]);
      return inserted[0]!;
    }
    return (await insert)[0]!;
  } catch (error) {
    if (uniqueViolation(error)?.includes('identity_providers.id')) throw new AppError('IDENTITY_PROVIDER_EXISTS', { field: 'id' });
    if (isForeignKeyViolation(error)) throw new AppError('ECOSYSTEM_NOT_FOUND', { field: 'ecosystemId' });
    throw error;
  }
}

export async function getProvider(deps: Deps, id: string): Promise<IdentityProviderRow> {
  const provider = ID_SHAPE.test(id) ? await repo.findProvider(deps.db, id) : undefined;
  if (!provider) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
  return provider;
}

export function listProviders(deps: Deps, ecosystemId?: string): Promise<IdentityProviderRow[]> {
  return repo.listProviders(deps.db, ecosystemId);
}

/** Changes a provider; its id, kind and ecosystem stay (the links and droplit ids are made of them). */
export async function updateProvider(deps: Deps, id: string, input: ProviderInput): Promise<IdentityProviderRow> {
  const current = await getProvider(deps, id);
  const kind = current.kind as ProviderKind;
  for (const fixed of ['id', 'kind', 'ecosystemId'] as const) {
    if (input[fixed] !== undefined && input[fixed] !== current[fixed]) throw invalidField(fixed, 'cannot change');
  }
  const changes: IdentityProviderChanges = {};
  if (input.name !== undefined) changes.name = text(input.name, 'name', 100);
  if (input.clientId !== undefined) changes.clientId = text(input.clientId, 'clientId', 500);
  if (input.clientSecret !== undefined) {
    changes.clientSecretSealed = await seal(idpSecretKey(deps), SECRET_PURPOSE, text(input.clientSecret, 'clientSecret', 4000), id);
  }
  if (input.issuer !== undefined) changes.issuer = issuerOf(input.issuer, kind);
  if (input.scopes !== undefined) changes.scopes = scopesOf(input.scopes, kind);
  if (input.linkByVerifiedEmail !== undefined)
    changes.linkByVerifiedEmail = flag(input.linkByVerifiedEmail, 'linkByVerifiedEmail') ?? false;
  if (input.defaultEnvironments !== undefined) {
    changes.defaultEnvironments = await environmentsOf(deps, input.defaultEnvironments, current.ecosystemId);
  }
  const [row] = await repo.updateProvider(deps.db, id, changes, deps.now());
  if (!row) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
  return row;
}

/** Deletes a provider and its links; the users it made stay (they may have other ways in). */
export async function deleteProvider(deps: Deps, id: string): Promise<void> {
  const deleted = ID_SHAPE.test(id) ? await repo.deleteProvider(deps.db, id) : [];
  if (deleted.length === 0) throw new AppError('IDENTITY_PROVIDER_NOT_FOUND');
}

/** The provider's client secret, opened for the token request (never shown, never logged). */
export async function clientSecretOf(deps: Deps, provider: IdentityProviderRow): Promise<string> {
  const secret = await unseal(idpSecretKey(deps), SECRET_PURPOSE, provider.clientSecretSealed, provider.id);
  if (secret === null)
    throw new AppError('TEMPORARILY_UNAVAILABLE', { reason: 'the provider’s client secret does not open with IDP_SECRET_KEY' });
  return secret;
}

/** The kinds whose sign-in flow this service runs. */
const SIGN_IN_KINDS: readonly string[] = ['oidc', 'github', 'google', 'microsoft', 'apple'];

/** The sign-in page's "Continue with <name>" choices: the providers of DEFAULT_ECOSYSTEM, oldest first. */
export async function signInChoices(deps: Deps): Promise<{ id: string; name: string }[]> {
  if (!deps.config.idpSecretKey) return [];
  const all = await repo.listProviders(deps.db, deps.config.defaultEcosystem);
  return all.filter((provider) => SIGN_IN_KINDS.includes(provider.kind)).map(({ id, name }) => ({ id, name }));
}
