// The OAuth requests as zod schemas (validated by src/http/validate.ts from form or JSON bodies, in
// the shared words of src/http/fields.ts, so the RFC 6749 error_description texts are unchanged), the
// answers (for /openapi.json only); the RFC 6749 error body is in face.ts.
//
// The token request is a discriminated union on grant_type: one object per grant, each checked only
// when its grant_type was sent (as the hand-written checks did). A new grant is one more object in
// TOKEN_GRANTS and one more handler in the face's GRANTS table (TypeScript asks for it).
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../config';
import { AppError, invalidField } from '../../core/errors';
import { EMAIL_MAX_LENGTH } from '../../core/users';
import type { FieldIssue } from '../../http/validate';
import { optionalText, otpField, requiredText } from '../../http/fields';
import { errorResponses } from '../../openapi/describe';
import { oauth } from './face';

export const oauthErrors = (statuses: Record<number, string>) => errorResponses(oauth.errorBody!.name, statuses);

/** Why a required text was refused (requiredText's words), or undefined when it is fine. */
function textProblem(value: unknown, max: number): string | undefined {
  if (value === undefined || value === null || value === '') return 'is missing';
  if (typeof value !== 'string') return 'must be a string';
  return value.length > max ? `must be at most ${max} characters` : undefined;
}

const GRANT_TYPE_MAX_LENGTH = 64;
/** The message of the union's issue when grant_type is a fine string that names no grant. */
const UNSUPPORTED = 'unsupported grant type';

/** RFC 6749 2.3.1 client_secret_post (or client_id alone, for a public client); Basic is read from the header. */
const clientFields = {
  client_id: optionalText(255).meta({ description: 'A registered client’s id (or send it with the secret as HTTP Basic).' }),
  client_secret: optionalText(255).meta({ description: 'A confidential client’s secret (client_secret_post).' }),
  client_assertion_type: optionalText(128).meta({
    description: 'private_key_jwt: `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.',
  }),
  client_assertion: optionalText(8192).meta({
    description:
      'private_key_jwt (RFC 7523): a JWT signed with one of the client’s registered keys; iss = sub = client_id, aud this issuer or the token endpoint, exp within 5 minutes, a jti used once.',
  }),
};

export const AuthorizationCodeGrant = z
  .object({
    grant_type: z.literal('authorization_code'),
    code: requiredText(256).meta({ description: 'The code /oauth/authorize sent to the redirect URI; single use, 60 s.' }),
    redirect_uri: optionalText(2000).meta({
      description: 'The redirect URI the code was sent to (required when the authorize request named one).',
    }),
    code_verifier: optionalText(256).meta({
      description: 'The PKCE verifier whose S256 challenge the authorize request sent (required then; refused when it sent none).',
    }),
    ...clientFields,
  })
  .meta({ id: 'OAuthAuthorizationCodeGrant', title: 'Authorization code grant (PKCE)' });

export const PasswordGrant = z
  .object({
    grant_type: z.literal('password'),
    username: requiredText(EMAIL_MAX_LENGTH).meta({ description: 'The e-mail address or username.' }),
    // Twice the policy's maximum in UTF-16 units (body.ts passwordFieldMaxLength); the core checks the policy.
    password: requiredText(PASSWORD_MAX_LENGTH * 2),
    otp: otpField(),
    ...clientFields,
  })
  .meta({ id: 'OAuthPasswordGrant', title: 'Password grant' });

export const RefreshTokenGrant = z
  .object({
    grant_type: z.literal('refresh_token'),
    refresh_token: requiredText(512).meta({ description: 'Spent by this request: the answer carries the next one.' }),
    // A token the authorization_code grant issued may be refreshed only by its client.
    ...clientFields,
  })
  .meta({ id: 'OAuthRefreshTokenGrant', title: 'Refresh token grant' });

export const ClientCredentialsGrant = z
  .object({
    grant_type: z.literal('client_credentials'),
    scope: optionalText(2000).meta({
      description: 'Space-separated, of the scopes the operator allowed the client (clientCredentialsScopes); default all of them.',
    }),
    resource: optionalText(2000).meta({
      description:
        'RFC 8707: the resource the token is for, one of the client’s clientCredentialsResources; the token’s `aud` then names it beside this service’s audience.',
    }),
    // RFC 6749 4.4.2: only a confidential client, which must authenticate (Basic, or client_secret_post).
    ...clientFields,
  })
  .meta({ id: 'OAuthClientCredentialsGrant', title: 'Client credentials grant (a confidential client’s own token)' });

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export const DeviceCodeGrant = z
  .object({
    grant_type: z.literal(DEVICE_CODE_GRANT_TYPE),
    device_code: requiredText(256).meta({ description: 'The device_code of POST /oauth/device_authorization.' }),
    // RFC 8628 3.4: the client that asked for the code, authenticated as at the code exchange (a public one sends client_id).
    ...clientFields,
  })
  .meta({ id: 'OAuthDeviceCodeGrant', title: 'Device code grant (RFC 8628): poll until the person approved on /device' });

/** Every grant the token route takes. */
export const TOKEN_GRANTS = [AuthorizationCodeGrant, PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant, DeviceCodeGrant] as const;

/** RFC 8628 3.1: a client asks for a device code and a user code. */
export const DeviceAuthorizationRequest = z
  .object({
    scope: optionalText(2000).meta({
      description: 'Space-separated, of the client’s scopes (openid, profile, email); default all of them.',
    }),
    ...clientFields,
  })
  .meta({ id: 'OAuthDeviceAuthorizationRequest' });

export const DeviceAuthorizationAnswer = z
  .object({
    device_code: z.string().meta({ description: 'The client’s secret for polling the token endpoint; 32 random bytes.' }),
    user_code: z
      .string()
      .meta({ description: 'What the person types on the verification page: XXXX-XXXX, letters without vowels.', example: 'WDJB-MJHT' }),
    verification_uri: z.string().meta({ example: 'https://auth.example/device' }),
    verification_uri_complete: z.string().meta({ description: 'The page with the user code filled in (for a QR code or a link).' }),
    expires_in: z.number().int().meta({ description: 'Seconds: 600.' }),
    interval: z.number().int().meta({ description: 'Seconds to wait between polls: 5.' }),
  })
  .meta({ id: 'OAuthDeviceAuthorization' });

export const TokenRequest = z
  .discriminatedUnion('grant_type', TOKEN_GRANTS, {
    error: (issue) => {
      const sent = (issue.input as Record<string, unknown> | undefined)?.grant_type;
      return textProblem(sent, GRANT_TYPE_MAX_LENGTH) ?? UNSUPPORTED;
    },
  })
  .meta({ id: 'OAuthTokenRequest' });
export type TokenRequest = z.output<typeof TokenRequest>;

/** The token route's refusal: a grant_type it does not know is unsupported_grant_type, the rest as fields. */
export function tokenRequestError([first]: [FieldIssue, ...FieldIssue[]]): AppError {
  if (first.field === 'grant_type' && first.message === UNSUPPORTED) return new AppError('UNSUPPORTED_GRANT_TYPE', { field: 'grant_type' });
  return invalidField(first.field, first.message);
}

/** RFC 7009 and RFC 7662: the token to revoke or to look at. */
export const TokenBody = z
  .object({ token: requiredText(8192).meta({ description: 'An access or a refresh token.' }) })
  .meta({ id: 'OAuthTokenBody' });

/** RFC 7009: the token, and optionally the client revoking it (one bound to another client is left alone). */
export const RevokeBody = z
  .object({ token: requiredText(8192).meta({ description: 'An access or a refresh token.' }), ...clientFields })
  .meta({ id: 'OAuthRevokeBody' });

export const TOKEN_EXAMPLE = { grant_type: 'password', username: 'ada@example.com', password: 'analytical engine 1843' };

export const TokenAnswer = z
  .object({
    access_token: z.string().meta({ description: 'A JWT.' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().meta({ description: 'Seconds.', example: 3600 }),
    refresh_token: z.string().optional().meta({ description: 'The next refresh token; none for client_credentials (RFC 6749 4.4.3).' }),
    scope: z.string().optional().meta({ description: 'The scopes granted (authorization_code, client_credentials).' }),
    id_token: z.string().optional().meta({ description: 'An OpenID Connect ID token, when `openid` was granted.' }),
  })
  .meta({ id: 'OAuthTokens' });

export const Introspection = z
  .object({
    active: z.boolean(),
    token_type: z.literal('Bearer').optional(),
    sub: z.string().optional().meta({ description: 'The user; for a machine token (client_credentials), the client.' }),
    client_id: z.string().optional().meta({ description: 'A machine token’s client.' }),
    scope: z.string().optional().meta({ description: 'A machine token’s scopes.' }),
    gty: z.literal('client_credentials').optional().meta({ description: 'Marks a machine token: no user, session or ecosystem.' }),
    sid: z.string().optional(),
    eco: z.string().optional().meta({ description: 'The user’s ecosystem.' }),
    iat: z.number().int().optional(),
    exp: z.number().int().optional().meta({ description: 'Absent for a token that does not expire.' }),
    iss: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    username: z.string().optional(),
    email: z.string().optional(),
    role: z.string().optional(),
    expiry_type: z.string().optional(),
    amr: z
      .array(z.string())
      .optional()
      .meta({ description: 'How the person signed in (RFC 8176: pwd, otp, hwk, swk, fed, mfa), when the token says it.' }),
  })
  .meta({ id: 'Introspection', description: 'RFC 7662: only `{"active": false}` for a token that is not live or not the caller’s.' });

export const UserInfo = z
  .object({
    sub: z.string(),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
    preferred_username: z.string().optional(),
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    locale: z.string(),
    role: z.string(),
    eco: z.string().meta({ description: 'The user’s ecosystem.' }),
  })
  .meta({ id: 'UserInfo' });

// The browser's routes (authorize.ts): their query parameters, for the document only. The core
// checks them (core/authorization.ts, core/rp-logout.ts) in an order a schema cannot keep: a bad
// client or redirect URI is a page, anything after it goes back to the client as `error`.
const seconds = (description: string) =>
  z
    .string()
    .regex(/^\d{1,10}$/)
    .optional()
    .meta({ description });

export const AuthorizeQuery = z.object({
  response_type: z.enum(['code']).meta({ description: 'Only the authorization code flow.' }),
  client_id: z.string().meta({ description: 'A registered client’s id (POST /admin/v1/clients).' }),
  redirect_uri: z
    .string()
    .optional()
    .meta({ description: 'One of the client’s redirect URIs, exactly; may be left out when it has only one.' }),
  scope: z.string().optional().meta({
    description: 'Space-separated, of the client’s scopes (openid, profile, email); default all of them.',
    example: 'openid email',
  }),
  state: z.string().max(1024).optional().meta({ description: 'Sent back with the code or the error.' }),
  nonce: z.string().max(512).optional().meta({ description: 'Put into the ID token.' }),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{43,128}$/)
    .meta({ description: 'PKCE: BASE64URL(SHA-256(code_verifier)).' }),
  code_challenge_method: z.enum(['S256']).meta({ description: 'PKCE: only S256 (plain is refused).' }),
  prompt: z
    .enum(['login', 'none'])
    .optional()
    .meta({ description: '`login`: sign in again; `none`: never show a page (login_required instead).' }),
  max_age: seconds('The oldest sign-in, in seconds, that may answer; an older one signs in again.'),
  auth_after: seconds('Set by this service when it sends the browser to sign in again: a sign-in at or after this Unix time.'),
  response_mode: z.enum(['query', 'form_post']).optional().meta({
    description: '`form_post`: the answer comes as a form the browser posts to the redirect URI (OAuth 2.0 Form Post Response Mode).',
  }),
  acr_values: z.string().max(512).optional().meta({
    description:
      'Step-up: `urn:gatehouse:mfa` first asks for a sign-in with a second factor (a session without one signs in again, once); the ID token then says `acr`: `urn:gatehouse:mfa` or `urn:gatehouse:1fa`.',
    example: 'urn:gatehouse:mfa',
  }),
  login_hint: z.string().max(320).optional().meta({ description: 'Fills the sign-in form’s e-mail or username field.' }),
  request: z.string().optional().meta({ description: 'Not supported: answered with request_not_supported.' }),
  request_uri: z.string().optional().meta({ description: 'Not supported: answered with request_uri_not_supported.' }),
  identity_provider: z
    .string()
    .max(63)
    .optional()
    .meta({ description: 'An upstream identity provider’s id: a browser not signed in goes straight to it instead of the sign-in page.' }),
});

export const LogoutQuery = z.object({
  id_token_hint: z.string().optional().meta({ description: 'An ID token this service issued: only its subject’s browser session ends.' }),
  client_id: z.string().optional().meta({ description: 'The client whose post-logout URI is named (else the hint’s audience).' }),
  post_logout_redirect_uri: z
    .string()
    .optional()
    .meta({ description: 'One of the client’s post-logout URIs, exactly; default the sign-in page.' }),
  state: z.string().optional().meta({ description: 'Appended to the post-logout URI.' }),
});

// Dynamic registration (registration.ts): RFC 7591 2's metadata, checked by the core (client-registration.ts)
// in RFC 7591's error codes; the schema only documents it and lets unknown members through (2 allows ignoring them).
const uriArray = z.array(z.string().max(2000)).max(20);
export const ClientMetadata = z
  .looseObject({
    redirect_uris: uriArray.optional().meta({
      description: 'Required for the authorization_code grant; the operator’s rules (absolute https, or http on loopback; exact match).',
    }),
    client_name: z.unknown().optional().meta({ description: 'Shown to people (a string of at most 200 characters).' }),
    token_endpoint_auth_method: z.unknown().optional().meta({
      description:
        '`none` (a public client), `client_secret_basic` (the default), `client_secret_post` or `private_key_jwt` (with `jwks`).',
    }),
    grant_types: z.unknown().optional().meta({
      description:
        '`authorization_code` (the default), `refresh_token`, and with an initial access token `urn:ietf:params:oauth:grant-type:device_code`.',
    }),
    response_types: z.unknown().optional().meta({ description: '`code` only.' }),
    scope: z.unknown().optional().meta({ description: 'Space-separated, among openid, profile and email; default all three.' }),
    post_logout_redirect_uris: z.unknown().optional(),
    jwks: z.unknown().optional().meta({ description: 'The public keys of a private_key_jwt client (jwks_uri is not supported).' }),
  })
  .meta({ id: 'OAuthClientMetadata' });

export const CLIENT_METADATA_EXAMPLE = {
  client_name: 'My MCP client',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
};

export const ClientInformation = z
  .object({
    client_id: z.string(),
    client_id_issued_at: z.number().int(),
    client_name: z.string(),
    redirect_uris: z.array(z.string()),
    post_logout_redirect_uris: z.array(z.string()),
    grant_types: z.array(z.string()),
    response_types: z.array(z.string()),
    token_endpoint_auth_method: z.string(),
    scope: z.string(),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
    registration_client_uri: z.string(),
    client_secret: z.string().optional().meta({ description: 'A confidential client’s, at registration only.' }),
    client_secret_expires_at: z.literal(0).optional().meta({ description: '0: the secret does not expire.' }),
    registration_access_token: z.string().optional().meta({ description: 'At registration only: shown this once, stored hashed.' }),
  })
  .meta({ id: 'OAuthClientInformation' });
