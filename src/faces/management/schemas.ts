// The operator routes' requests (validated by src/http/validate.ts, in the shared words of
// src/http/fields.ts) and answers (for /openapi.json only); the error body is in face.ts.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../config';
import { OUTBOX_STATUSES } from '../../core/mail';
import { MAX_URI_LENGTH, MAX_URIS, SUPPORTED_SCOPES } from '../../core/oauth-clients';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, ROLES } from '../../core/users';
import { isoTime, optionalChoice, optionalFlag, optionalText, optionalWholeNumber, pageLimitParam, queryChoice } from '../../http/fields';
import { errorResponses } from '../../openapi/describe';
import { management } from './face';

export const managementErrors = (statuses: Record<number, string>) =>
  errorResponses(management.errorBody!.name, { 401: 'No account token, or another token', ...statuses });

const named = () => z.object({ name: optionalText(200).meta({ description: 'A label for people.' }) });
export const EcosystemCreate = named();
export const EnvironmentCreate = named();
export const ServerTokenCreate = named();

// Examples (validate()'s `example`) from the README's quick start and droplit walk-through.
export const USER_EXAMPLE = { email: 'ada@example.com', password: 'analytical engine 1843', role: 'admin' };

export const UserCreate = z.object({
  role: optionalChoice(ROLES, 32).meta({ description: 'Default `user`.' }),
  ecosystemId: optionalText(64).meta({ description: 'Default DEFAULT_ECOSYSTEM.' }),
  email: optionalText(EMAIL_MAX_LENGTH),
  username: optionalText(64),
  // Twice the policy's maximum in UTF-16 units (body.ts passwordFieldMaxLength); the core checks the policy.
  password: optionalText(PASSWORD_MAX_LENGTH * 2),
  firstName: optionalText(NAME_MAX_LENGTH),
  lastName: optionalText(NAME_MAX_LENGTH),
});

export const UserStanding = z.object({
  role: optionalChoice(ROLES, 32),
  permissionLevel: optionalWholeNumber(0, 2).meta({ description: 'The Gatekeeper level; sets the role.' }),
  disabled: optionalFlag(),
});

export const UserListQuery = z.object({
  ecosystemId: z.string().optional(),
  q: z.string().optional().meta({ description: 'A prefix of the e-mail address or username.' }),
  limit: pageLimitParam(),
  cursor: z.string().optional(),
});

export const OutboxQuery = z.object({
  to: z.string().optional(),
  status: queryChoice(OUTBOX_STATUSES),
  limit: pageLimitParam(),
});

const time = isoTime();

export const Ecosystem = z.object({ id: z.string(), name: z.string(), createdAt: time }).meta({ id: 'Ecosystem' });
const policyFields = {
  minLength: z.number().int().nullable(),
  rejectCommon: z.boolean().nullable(),
};
export const PasswordPolicyChange = z
  .object({
    minLength: optionalWholeNumber(1, PASSWORD_MAX_LENGTH).meta({
      description: 'The shortest password allowed here (1 and up; below 8 is below NIST’s minimum). Absent or null: PASSWORD_MIN_LENGTH.',
    }),
    rejectCommon: optionalFlag().meta({
      description: 'Whether the 10,000 most common passwords are refused (on by default). Absent or null: on.',
    }),
  })
  .meta({
    description: 'The ecosystem’s own password rules, for passwords set from now on; each field absent or null is the deployment’s.',
  });
export const PasswordPolicy = z
  .object({
    own: z.object(policyFields).meta({ description: 'What the operator set (null: the deployment’s).' }),
    effective: z
      .object({ minLength: z.number().int(), maxLength: z.number().int(), rejectCommon: z.boolean() })
      .meta({ description: 'The rules that apply.' }),
  })
  .meta({ id: 'PasswordPolicy' });
const requirement = z.enum(['optional', 'required']);
export const MfaPolicyChange = z
  .object({
    mfa: requirement.nullable().optional().meta({
      description: 'Whether everyone here needs a second factor to sign in. Absent or null: optional.',
    }),
    admins: requirement.nullable().optional().meta({
      description:
        'Whether people with the admin role need one. Absent or null: required once enrolled (an admin who turned a factor on cannot turn it off).',
    }),
  })
  .meta({ description: 'The ecosystem’s second-factor policy; each field absent or null is the default.' });
export const MfaPolicy = z
  .object({
    own: z
      .object({ mfa: requirement.nullable(), admins: requirement.nullable() })
      .meta({ description: 'What the operator set (null: the default).' }),
    effective: z
      .object({ mfa: requirement, admins: z.enum(['optional', 'required', 'once-enrolled']) })
      .meta({ description: 'What applies.' }),
  })
  .meta({ id: 'MfaPolicy' });
export const Environment = z.object({ id: z.string(), ecosystemId: z.string(), name: z.string() }).meta({ id: 'Environment' });
export const ServerToken = z
  .object({ id: z.string(), token: z.string().meta({ description: 'Shown once; stored hashed.' }) })
  .meta({ id: 'ServerToken' });
export const AdminUser = z
  .object({
    id: z.string(),
    ecosystemId: z.string(),
    uniqueId: z.string().nullable(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    role: z.enum(ROLES),
    permissionLevel: z.number().int(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    confirmed: z.boolean(),
    disabled: z.boolean(),
    createdAt: time,
  })
  .meta({ id: 'AdminUser' });
export const Session = z
  .object({ id: z.string(), kind: z.string(), createdAt: time, lastUsedAt: time, expiresAt: time.nullable() })
  .meta({ id: 'Session' });
export const OutboxItem = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: time.nullable(),
    createdAt: time,
    sentAt: time.nullable(),
  })
  .meta({ id: 'OutboxItem' });
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() });

// The operator's OAuth clients (clients.ts). The schemas check what the face read from the body
// (public, name, allowPasswordGrant, allowClientCredentials), in the shared words and the core's for a blank name; the URI
// lists and scopes are the core's to check (oauth-clients.ts, its rules and words), so their
// schemas only show the document what the core accepts.

/** A field the core checks: any value passes here; the document shows `shape`. */
function checkedByCore(shape: z.ZodType, { optional }: { optional: boolean }) {
  const { $schema: _ignored, ...json } = z.toJSONSchema(shape, { io: 'input' }) as Record<string, unknown>;
  return (optional ? z.unknown().optional() : z.unknown()).meta(json);
}

const clientUri = z.string().max(MAX_URI_LENGTH).meta({ format: 'uri' });
const CLIENT_NAME_MAX = 200;
const notBlank = (name: string | undefined) => name === undefined || name.trim() !== '';
const redirectUris = z
  .array(clientUri)
  .min(1)
  .max(MAX_URIS)
  .meta({ description: 'Absolute https URIs (or http on localhost, 127.0.0.1 or [::1]) without a fragment; matched exactly.' });
const postLogoutRedirectUris = z
  .array(clientUri)
  .max(MAX_URIS)
  .nullable()
  .meta({ description: 'Where /oauth/logout may send the browser (the same rules); default none, null clears.' });
const scopes = z
  .array(z.enum(SUPPORTED_SCOPES))
  .nullable()
  .meta({ description: 'The scopes the client may ask for; default all, null resets.' });
const allowPasswordGrant = optionalFlag().meta({ description: 'Whether the client may use grant_type=password (default false).' });
const requirePkce = optionalFlag().meta({
  description:
    'Whether its authorization requests must use PKCE (default true). Only a confidential client may be let off; it must then send `nonce` with `openid`.',
});
const allowClientCredentials = optionalFlag().meta({
  description:
    'Whether a confidential client may use grant_type=client_credentials (default false); turning it off ends its machine tokens.',
});
const clientCredentialsScopes = z.array(z.string().max(128)).max(50).nullable().meta({
  description:
    'The scopes its machine tokens may carry (RFC 6749 scope tokens, its own words); default none, null clears. Removing one ends its machine tokens.',
});

const clientCredentialsResources = z.array(z.string().max(2000)).max(20).nullable().meta({
  description:
    'The resources (RFC 8707: absolute https URIs, or http on loopback, no fragment) a machine token may be addressed to with `resource`; default none, null clears. Removing one ends its machine tokens.',
});

const allowDeviceGrant = optionalFlag().meta({
  description: 'Whether the client may use the device authorization grant (RFC 8628; default false): a command-line tool, a TV.',
});
const tokenEndpointAuthMethod = optionalChoice(['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const, 32).meta({
  description:
    'A confidential client’s way to authenticate: its secret (either secret method is accepted; the default) or `private_key_jwt` (RFC 7523: a JWT signed with a key of `jwks`; no secret is issued).',
});
const jwks = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) })
  .nullable()
  .meta({ description: 'The client’s public keys (a JWK set: EC, RSA or OKP) for private_key_jwt.' });

export const ClientCreate = z.object({
  public: z
    .boolean({ error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be a boolean') })
    .meta({ description: 'A public client (a SPA, a native app) has no secret; a confidential one gets one, shown once.' }),
  name: z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be a string') })
    .max(CLIENT_NAME_MAX, { error: `must be at most ${CLIENT_NAME_MAX} characters` })
    .refine(notBlank, { error: 'must not be empty' })
    .meta({ description: 'Shown to people.' }),
  redirectUris: checkedByCore(redirectUris, { optional: false }),
  postLogoutRedirectUris: checkedByCore(postLogoutRedirectUris, { optional: true }),
  scopes: checkedByCore(scopes, { optional: true }),
  allowPasswordGrant,
  requirePkce,
  allowClientCredentials,
  clientCredentialsScopes: checkedByCore(clientCredentialsScopes, { optional: true }),
  clientCredentialsResources: checkedByCore(clientCredentialsResources, { optional: true }),
  allowDeviceGrant,
  tokenEndpointAuthMethod,
  jwks: checkedByCore(jwks, { optional: true }),
});

export const ClientChanges = z.object({
  public: z
    .never({ error: 'cannot be changed; register a new client' })
    .optional()
    .meta({ description: 'Cannot be changed: register a new client.' }),
  name: optionalText(CLIENT_NAME_MAX).refine(notBlank, { error: 'must not be empty' }),
  redirectUris: checkedByCore(redirectUris, { optional: true }),
  postLogoutRedirectUris: checkedByCore(postLogoutRedirectUris, { optional: true }),
  scopes: checkedByCore(scopes, { optional: true }),
  allowPasswordGrant,
  requirePkce,
  allowClientCredentials,
  clientCredentialsScopes: checkedByCore(clientCredentialsScopes, { optional: true }),
  clientCredentialsResources: checkedByCore(clientCredentialsResources, { optional: true }),
  allowDeviceGrant,
  tokenEndpointAuthMethod,
  jwks: checkedByCore(jwks, { optional: true }),
});

export const CLIENT_EXAMPLE = { name: 'My app', public: true, redirectUris: ['https://app.example/callback'], scopes: ['openid', 'email'] };

export const Client = z
  .object({
    clientId: z.string().meta({ description: 'The client_id of the OAuth requests.' }),
    name: z.string(),
    public: z.boolean(),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    scopes: z.array(z.enum(SUPPORTED_SCOPES)),
    allowPasswordGrant: z.boolean(),
    requirePkce: z.boolean(),
    allowClientCredentials: z.boolean(),
    clientCredentialsScopes: z.array(z.string()),
    clientCredentialsResources: z.array(z.string()),
    allowDeviceGrant: z.boolean(),
    tokenEndpointAuthMethod: z
      .enum(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'])
      .meta({ description: 'Either secret method is accepted for a client with a secret.' }),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
    registeredInEcosystemId: z.string().optional().meta({
      description: 'For a client that registered itself (RFC 7591): the ecosystem of its initial access token, or of open registration.',
    }),
    createdAt: time,
    updatedAt: time,
    clientSecret: z
      .string()
      .optional()
      .meta({ description: 'Only in the answer that registers a confidential client: shown this once, stored hashed.' }),
  })
  .meta({ id: 'Client' });

// The operator's identity providers (identity-providers.ts): the core checks every field, in its words.
const providerFields = {
  id: z.string().max(63).meta({ description: 'Lower-case letters, digits, "-" and "_"; part of the redirect URI and of droplit ids.' }),
  name: z.string().max(100).meta({ description: 'Shown on the sign-in page: "Continue with <name>".' }),
  kind: z.enum(['oidc', 'github', 'google', 'microsoft', 'apple']),
  clientId: z.string().max(500),
  clientSecret: z.string().max(4000).meta({ description: 'Stored sealed (AES-GCM under IDP_SECRET_KEY); never shown again.' }),
  issuer: z
    .string()
    .max(500)
    .meta({ format: 'uri', description: 'Required for oidc (its discovery is read); https, or http on loopback.' }),
  scopes: z.array(z.string().max(128)).max(20).meta({ description: 'Default: the kind’s (openid email profile for OpenID kinds).' }),
  ecosystemId: z.string().max(64).meta({ description: 'Where its users live; default DEFAULT_ECOSYSTEM.' }),
  linkByVerifiedEmail: z.boolean().meta({
    description:
      'Link a first sign-in to the account with the same verified address, when the upstream says email_verified (default false).',
  }),
  defaultEnvironments: z.array(z.string().max(64)).max(30).meta({ description: 'droplit environments granted to each user it creates.' }),
};
type ProviderField = keyof typeof providerFields;
const providerBody = (required: ProviderField[], omitted: ProviderField[] = []) =>
  z.object(
    Object.fromEntries(
      (Object.entries(providerFields) as [ProviderField, z.ZodType][])
        .filter(([name]) => !omitted.includes(name))
        .map(([name, shape]) => [name, checkedByCore(shape, { optional: !required.includes(name) })]),
    ),
  );
export const IdentityProviderCreate = providerBody(['id', 'name', 'kind', 'clientId', 'clientSecret']);
// id, kind and ecosystemId are read only to refuse a change of them (the core's words).
export const IdentityProviderChanges = providerBody([]);
export const IDENTITY_PROVIDER_EXAMPLE = {
  id: 'corp',
  name: 'Corp SSO',
  kind: 'oidc',
  clientId: 'gatehouse',
  clientSecret: 'upstream-client-secret',
  issuer: 'https://sso.corp.example',
};
export const IdentityProvider = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: providerFields.kind,
    clientId: z.string(),
    issuer: z.string().nullable(),
    scopes: z.array(z.string()),
    ecosystemId: z.string(),
    linkByVerifiedEmail: z.boolean(),
    defaultEnvironments: z.array(z.string()),
    redirectUri: z.string().meta({ format: 'uri', description: 'The callback URL to register at the upstream.' }),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'IdentityProvider' });

// Dynamic registration (registration.ts).
export const InitialAccessTokenCreate = z.object({
  ecosystemId: optionalText(64).meta({ description: 'The ecosystem its clients register in; default DEFAULT_ECOSYSTEM.' }),
  name: optionalText(200).meta({ description: 'A label for people.' }),
  expiresInSeconds: optionalWholeNumber(60, 31_536_000).meta({ description: 'How long it may be used; default: until deleted.' }),
  maxUses: optionalWholeNumber(1, 1_000_000).meta({ description: 'How many clients it may register; default: any number.' }),
});
export const InitialAccessToken = z
  .object({
    id: z.string(),
    ecosystemId: z.string(),
    name: z.string(),
    createdAt: time,
    expiresAt: time.nullable(),
    maxUses: z.number().int().nullable(),
    uses: z.number().int(),
    token: z.string().optional().meta({ description: 'Only in the answer that makes it: shown this once, stored hashed.' }),
  })
  .meta({ id: 'InitialAccessToken' });
export const ClientRegistration = z
  .object({
    open: z.boolean({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a boolean') }),
  })
  .meta({ id: 'ClientRegistration' });
