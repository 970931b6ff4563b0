// The D1 data model, one Drizzle schema. Times are integer milliseconds since the epoch.
// Every secret column holds a hash (SHA-256 hex or a password-hash string), never the secret.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ecosystems = sqliteTable('ecosystems', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
  /** The last user number given out here (see users.userNumber); never goes down. */
  lastUserNumber: integer('last_user_number').notNull().default(0),
  /**
   * How many users the ecosystem has now (the Gatekeeper's `Record-Count`). Kept by the triggers
   * `users_count_insert` / `users_count_delete` in the statement that inserts or deletes the
   * user, so no write path can forget it and no count scans the users.
   */
  userCount: integer('user_count').notNull().default(0),
  /**
   * The operator's password policy for this ecosystem, where it differs from the deployment's
   * (PASSWORD_MIN_LENGTH, the common-password check on): null keeps the deployment's.
   */
  passwordMinLength: integer('password_min_length'),
  passwordRejectCommon: integer('password_reject_common', { mode: 'boolean' }),
  /** Whether everyone here needs a second factor (`optional` | `required`): null keeps the default, optional. */
  mfaPolicy: text('mfa_policy'),
  /** Whether people with the admin role need a second factor (`optional` | `required`): null keeps the default, required. */
  mfaAdminPolicy: text('mfa_admin_policy'),
  /** Whether anyone may register a public OAuth client here without an initial access token (RFC 7591 3); off by default. */
  openClientRegistration: integer('open_client_registration', { mode: 'boolean' }).notNull().default(false),
});

export const environments = sqliteTable(
  'environments',
  {
    id: text('id').primaryKey(),
    ecosystemId: text('ecosystem_id')
      .notNull()
      .references(() => ecosystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('environments_ecosystem').on(t.ecosystemId)],
);

export const serverTokens = sqliteTable(
  'server_tokens',
  {
    id: text('id').primaryKey(),
    ecosystemId: text('ecosystem_id')
      .notNull()
      .references(() => ecosystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('server_tokens_hash').on(t.tokenHash)],
);

/** One row per person per ecosystem; each face finds users by its own key. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    ecosystemId: text('ecosystem_id')
      .notNull()
      .references(() => ecosystems.id, { onDelete: 'cascade' }),
    /** The application's own id for the user (droplit face). */
    uniqueId: text('unique_id'),
    /**
     * The user's number in its ecosystem: 1, 2, 3, ... never reused. The User Service's legacy
     * profile shows it as the integer `id`. Set by the trigger `users_number` at insert.
     */
    userNumber: integer('user_number'),
    username: text('username'),
    /** Lower-cased username: like e-mail, unique and looked up case-insensitively (as Keycloak does). */
    usernameKey: text('username_key'),
    email: text('email'),
    /** Lower-cased e-mail: lookups are case-insensitive, the stored address is kept as given. */
    emailKey: text('email_key'),
    passwordHash: text('password_hash'),
    /** admin | moderator | developer | customer | user; permissionLevel derives from it. */
    role: text('role').notNull().default('user'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phoneNumber: text('phone_number'),
    language: text('language').notNull().default('en'),
    publicKey: text('public_key'),
    certificate: text('certificate'),
    meta: text('meta', { mode: 'json' }).$type<Record<string, unknown>>(),
    confirmed: integer('confirmed', { mode: 'boolean' }).notNull().default(true),
    /**
     * When the current address was last proven (a confirmation link or a mailed reset code spent for
     * it); null when never, or since it changed. OpenID's `email_verified` is this, not `confirmed`.
     */
    emailVerifiedAt: integer('email_verified_at'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /**
     * The user's token epoch: every bulk revocation (logout of everything, reset, disable, role
     * change, delete) raises it by one, and a token is dead iff its `gen` claim is below it.
     */
    tokenEpoch: integer('token_epoch').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_unique_id').on(t.ecosystemId, t.uniqueId),
    uniqueIndex('users_number').on(t.ecosystemId, t.userNumber),
    uniqueIndex('users_username').on(t.ecosystemId, t.usernameKey),
    uniqueIndex('users_email').on(t.ecosystemId, t.emailKey),
    index('users_created').on(t.ecosystemId, t.createdAt, t.id),
    // The listing and the prefix search across ecosystems (the ones above lead with the ecosystem).
    // A search range is read for (created_at, id) only, to pick the page before any row is read.
    index('users_created_all').on(t.createdAt, t.id),
    index('users_email_any').on(t.emailKey, t.createdAt, t.id),
    index('users_username_any').on(t.usernameKey, t.createdAt, t.id),
    index('users_unique_id_any').on(t.uniqueId, t.createdAt, t.id),
  ],
);

/**
 * Consecutive failed logins, per account (key `user:<id>`) or, for identifiers that match no
 * account, per hashed identifier, so that unknown accounts throttle exactly like known ones.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull().default(0),
    lockedUntil: integer('locked_until').notNull().default(0),
    /** Set by the attempt that last counted itself; an attempt that finds another's mark was refused. */
    attemptNonce: text('attempt_nonce'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('login_failures_updated').on(t.updatedAt)],
);

export const attributes = sqliteTable(
  'attributes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('attributes_user_key').on(t.userId, t.key)],
);

export const accessGrants = sqliteTable(
  'access_grants',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    accessLevel: text('access_level').notNull().default('all'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.environmentId] })],
);

/**
 * A session is one line of tokens for one user: a refresh-token family (kind `refresh`) or a
 * droplit user token (kind `user_token`, with its expiry type and TTL). Revoking it kills every
 * token that carries its id as `sid`.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** Whether each refresh hands out a successor secret (OAuth, Gatekeeper) or not (User Service). */
    rotates: integer('rotates', { mode: 'boolean' }).notNull().default(true),
    secretHash: text('secret_hash'),
    /** Random input to the successor's derivation, so a retry within the grace window gets the same one. */
    rotationSalt: text('rotation_salt'),
    rotatedAt: integer('rotated_at'),
    generation: integer('generation').notNull().default(0),
    expiryType: text('expiry_type'),
    ttlSeconds: integer('ttl_seconds'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    /** Absolute end of the session; null for droplit tokens that expire by their own rule. */
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
    /** The user's token epoch when the session started: every token it issues carries it as `gen`. */
    userEpoch: integer('user_epoch').notNull().default(0),
    /** The OAuth client an authorization_code grant started it for: only that client may refresh it. */
    clientId: text('client_id'),
    /**
     * How the person proved who they are when the session started: RFC 8176 `amr` values as a JSON
     * array (`["pwd"]`). Null for a session started without a sign-in step (sign-up, a login with an
     * access token, a droplit user token) and for every session older than the column.
     */
    amr: text('amr'),
    /**
     * The scopes the OAuth client was granted (space-separated) when the code grant started it: its
     * access tokens carry them as `scope` (RFC 9068 2.2.3). Null for every other session.
     */
    scope: text('scope'),
    /**
     * The browser session whose sign-in the code grant that started it rests on: signing that browser
     * out (the hosted pages, RP-initiated logout) ends this session too. Null for every other session.
     */
    originSessionId: text('origin_session_id'),
    /** The upstream identity provider the sign-in went through (its id; OpenID's `idp` claim), else null. */
    idp: text('idp'),
  },
  (t) => [
    index('sessions_user').on(t.userId, t.createdAt),
    // For upkeep, which deletes sessions that ended long enough ago. Kind first: each of its
    // deletes is then one range of one kind, never a walk past the revoked Infinite and
    // SlidingTtl user tokens it keeps for good, nor past refresh sessions not yet old enough.
    index('sessions_kind_expires').on(t.kind, t.expiresAt),
    index('sessions_kind_revoked').on(t.kind, t.revokedAt),
    // Partial: only the code grant's sessions have an origin, so no other session insert writes an index row.
    index('sessions_origin').on(t.originSessionId).where(sql`${t.originSessionId} is not null`),
  ],
);

/** Every secret a rotating session has spent, so any replay of one is recognised as reuse. */
export const spentSecrets = sqliteTable(
  'spent_secrets',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.secretHash] })],
);

export const oneTimeCodes = sqliteTable(
  'one_time_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    /** Set by the statement that spends the code; the rest of its batch runs only if it matches. */
    spentBy: text('spent_by'),
    createdAt: integer('created_at').notNull(),
    /** The e-mail key the code was mailed to: spending it proves that address only. */
    sentTo: text('sent_to'),
  },
  (t) => [
    uniqueIndex('one_time_codes_hash').on(t.codeHash),
    index('one_time_codes_user').on(t.userId),
    index('one_time_codes_expires').on(t.expiresAt),
    // For upkeep, which deletes codes used long enough ago.
    index('one_time_codes_used').on(t.usedAt),
  ],
);

/**
 * Mail waiting for, or done with, its transport. A sender claims a due row (status pending,
 * nextAttemptAt passed) by bumping attempts and pushing nextAttemptAt to the backoff, so no other
 * sender takes that attempt; the outcome is written under the same claim. lastError never holds
 * the body nor a credential.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    /** pending | sent | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    /** Nonce of the sender that holds the current attempt. */
    claim: text('claim'),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_created').on(t.createdAt),
    // The operator's outbox listing for one recipient, newest first.
    index('outbox_to').on(t.to, t.createdAt, t.id),
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_sent').on(t.status, t.sentAt),
  ],
);

/**
 * Revocation marks KV refused every time they were written: the Cron run writes them again, so
 * other locations learn of a revocation once KV recovers, not never. One row a key; the newest
 * value wins (epochs only grow).
 */
export const kvBacklog = sqliteTable(
  'kv_backlog',
  {
    key: text('key').primaryKey(),
    value: text('value').notNull(),
    /** ms after which the mark is useless (its tokens have expired); null: never. */
    expiresAt: integer('expires_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('kv_backlog_created').on(t.createdAt)],
);

/**
 * Registered OAuth clients (issue 13). A confidential client has a SHA-256 of its secret; a public
 * one (a SPA, a native app) has none and proves itself by PKCE alone. URI lists are JSON arrays,
 * matched exactly.
 */
export const oauthClients = sqliteTable('oauth_clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  isPublic: integer('is_public', { mode: 'boolean' }).notNull(),
  secretHash: text('secret_hash'),
  redirectUris: text('redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
  postLogoutRedirectUris: text('post_logout_redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
  allowPasswordGrant: integer('allow_password_grant', { mode: 'boolean' }).notNull().default(false),
  /** Whether its authorization requests must use PKCE: always for a public client; a confidential one may be let off (then `nonce` is required for openid). */
  requirePkce: integer('require_pkce', { mode: 'boolean' }).notNull().default(true),
  /** Whether the client may use grant_type=client_credentials (RFC 6749 4.4), and the scopes it may ask for there. */
  allowClientCredentials: integer('allow_client_credentials', { mode: 'boolean' }).notNull().default(false),
  clientCredentialsScopes: text('client_credentials_scopes', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** The resources (RFC 8707 absolute URIs) its machine tokens may be addressed to; none by default. */
  clientCredentialsResources: text('client_credentials_resources', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Its machine tokens carry the epoch they were issued under (`cgen`); raising it ends them all. */
  tokenEpoch: integer('token_epoch').notNull().default(0),
  /** Whether the client may use the device authorization grant (RFC 8628); clients opt in. */
  allowDeviceGrant: integer('allow_device_grant', { mode: 'boolean' }).notNull().default(false),
  /**
   * How a confidential client authenticates at the token endpoint: null for its secret
   * (client_secret_basic or client_secret_post), `private_key_jwt` for a signed assertion
   * verified with `jwks` (RFC 7523, OpenID Connect Core 9).
   */
  tokenEndpointAuthMethod: text('token_endpoint_auth_method'),
  /** The client's public keys (a JWK set) for private_key_jwt; null otherwise. */
  jwks: text('jwks', { mode: 'json' }).$type<{ keys: Record<string, unknown>[] }>(),
  /** Dynamic registration (RFC 7591): the ecosystem it registered in, and a SHA-256 of its registration access token (RFC 7592). */
  registeredInEcosystemId: text('registered_in_ecosystem_id'),
  registrationTokenHash: text('registration_token_hash'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Initial access tokens (RFC 7591 3): the operator's permission to register one or more OAuth
 * clients dynamically, bound to an ecosystem, optionally expiring and limited in uses. Only a SHA-256
 * of the token is kept; one conditional UPDATE counts a use, so `maxUses` holds under concurrency.
 */
export const initialAccessTokens = sqliteTable(
  'initial_access_tokens',
  {
    id: text('id').primaryKey(),
    ecosystemId: text('ecosystem_id')
      .notNull()
      .references(() => ecosystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    /** The client its last counted use registered: that client's insert is kept only if this names it (see registration-repo.ts). */
    lastClientId: text('last_client_id'),
  },
  (t) => [uniqueIndex('initial_access_tokens_hash').on(t.tokenHash)],
);

/**
 * Device authorizations (RFC 8628): a SHA-256 of the device code, the user code (normalized, no
 * dash), the client and scope, and what the person did on /device. `status` goes pending →
 * approved or denied by one conditional UPDATE, and approved → spent by another, so one approval
 * gives exactly one token. `lastPolledAt` and `intervalSeconds` make `slow_down`.
 */
export const deviceAuthorizations = sqliteTable(
  'device_authorizations',
  {
    deviceCodeHash: text('device_code_hash').primaryKey(),
    userCode: text('user_code').notNull(),
    clientId: text('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    status: text('status').notNull().default('pending'),
    intervalSeconds: integer('interval_seconds').notNull(),
    lastPolledAt: integer('last_polled_at'),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    browserSessionId: text('browser_session_id'),
    /** Seconds: the approving sign-in's time, as the ID token's `auth_time`. */
    authTime: integer('auth_time'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [uniqueIndex('device_authorizations_user_code').on(t.userCode), index('device_authorizations_expires').on(t.expiresAt)],
);

/** The `jti` of each private_key_jwt client assertion seen, until the assertion expires: each is good once (RFC 7523 3). */
export const clientAssertionIds = sqliteTable(
  'client_assertion_ids',
  {
    clientId: text('client_id').notNull(),
    jti: text('jti').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('client_assertion_ids_expires').on(t.expiresAt)],
);

/**
 * Authorization codes: a SHA-256 of the code, what it was issued for, and its one use. `usedAt` is
 * set by the one conditional UPDATE that spends it; `issuedSessionId` is the session that exchange
 * started, and `replayedAt` marks a second presentation, so whichever of the two lands last
 * revokes that session.
 */
export const authorizationCodes = sqliteTable(
  'authorization_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    /** PKCE's S256 challenge; '' when a confidential client that need not use PKCE sent none. */
    codeChallenge: text('code_challenge').notNull(),
    scope: text('scope').notNull(),
    nonce: text('nonce'),
    /** The request's `acr_values` (space-separated), when it sent any: its ID token then says `acr`. */
    acrValues: text('acr_values'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    browserSessionId: text('browser_session_id').notNull(),
    /** Seconds, as the ID token's `auth_time`. */
    authTime: integer('auth_time').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    issuedSessionId: text('issued_session_id'),
    replayedAt: integer('replayed_at'),
  },
  (t) => [index('authorization_codes_expires').on(t.expiresAt)],
);

/** An authenticator app (TOTP, RFC 6238): its sealed secret, on once confirmed, and the last step a code was taken for. */
export const totpFactors = sqliteTable('totp_factors', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** AES-GCM under MFA_ENCRYPTION_KEY, bound to the user id (crypto/sealed.ts). */
  sealedSecret: text('sealed_secret').notNull(),
  /** Null while enrolling: the factor is on once a first code confirmed it. */
  confirmedAt: integer('confirmed_at'),
  /** The time step of the last accepted code; a code is taken only for a later step (no replay). */
  lastStep: integer('last_step').notNull().default(-1),
  createdAt: integer('created_at').notNull(),
});

/** Recovery codes, hashed, each spent once. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** Passkeys (WebAuthn discoverable credentials): the public key, its signature counter and when it was last used. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url, as the authenticator made it. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter (0 for those that keep none): a lower one later means a clone. */
    counter: integer('counter').notNull().default(0),
    /** The transports the browser reported (JSON list), as a hint for later sign-ins. */
    transports: text('transports'),
    name: text('name').notNull(),
    /** Whether the passkey may be synced to other devices (WebAuthn's backup eligibility). */
    synced: integer('synced', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_user').on(t.userId)],
);

/** A WebAuthn challenge: made for one ceremony (adding a passkey, or a sign-in with one), spent once, for 5 minutes. */
export const passkeyChallenges = sqliteTable(
  'passkey_challenges',
  {
    id: text('id').primaryKey(),
    /** The challenge the browser signs, base64url. */
    challenge: text('challenge').notNull(),
    /** `register` (adding a passkey, bound to its user) or `signin` (anyone's passkey). */
    purpose: text('purpose').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('passkey_challenges_expires').on(t.expiresAt)],
);

/** Between a right password and its second factor on the hosted pages: no session exists yet. */
export const signInChallenges = sqliteTable(
  'sign_in_challenges',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    /**
     * `code`: the account has a second factor and the code finishes the sign-in; `enrol`: the
     * policy needs one and the account has none, so the sign-in sets up an authenticator app first.
     */
    kind: text('kind').notNull().default('code'),
    /** The password step's failure keys (JSON): the code's guesses count under them. */
    lockKeys: text('lock_keys').notNull(),
    clearKeys: text('clear_keys').notNull(),
    /** The user's token epoch when the password was right: a reset or disable since ends the challenge. */
    userEpoch: integer('user_epoch').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('sign_in_challenges_expires').on(t.expiresAt)],
);

/**
 * Upstream identity providers the operator configured (issue 22): how people of an ecosystem sign
 * in with an identity they already have. The client secret is AES-GCM ciphertext under a key
 * derived from the IDP_SECRET_KEY secret (src/crypto/sealed.ts), never the secret itself.
 */
export const identityProviders = sqliteTable(
  'identity_providers',
  {
    id: text('id').primaryKey(),
    ecosystemId: text('ecosystem_id')
      .notNull()
      .references(() => ecosystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** oidc | github | google | microsoft | apple */
    kind: text('kind').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretSealed: text('client_secret_sealed').notNull(),
    /** The OpenID issuer (required for `oidc`; a preset's own otherwise). */
    issuer: text('issuer'),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    linkByVerifiedEmail: integer('link_by_verified_email', { mode: 'boolean' }).notNull().default(false),
    /** droplit environment ids granted to each user this provider creates. */
    defaultEnvironments: text('default_environments', { mode: 'json' }).$type<string[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('identity_providers_ecosystem').on(t.ecosystemId, t.createdAt)],
);

/** An upstream identity `(provider, subject)` linked to one user: never matched by e-mail alone. */
export const linkedIdentities = sqliteTable(
  'linked_identities',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The address the upstream last asserted (shown on the account page; never used to match). */
    email: text('email'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
  },
  (t) => [uniqueIndex('linked_identities_subject').on(t.providerId, t.subject), index('linked_identities_user').on(t.userId)],
);

/**
 * The event stream (issue 24): one row per auth-relevant change, written in the batch of the change
 * itself. No foreign keys: an event outlives the user, client or ecosystem it names. `details` is
 * JSON and never holds a password, token, code or secret. Listed newest first by keyset on (at, id).
 */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Milliseconds since the epoch. */
    at: integer('at').notNull(),
    ecosystemId: text('ecosystem_id'),
    userId: text('user_id'),
    /** `user`, `operator`, `server` or `system`; `actorId` the user, server token or client, when there is one. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    requestId: text('request_id').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index('events_at').on(t.at, t.id),
    index('events_user').on(t.userId, t.at, t.id),
    index('events_ecosystem').on(t.ecosystemId, t.at, t.id),
    index('events_ecosystem_type').on(t.ecosystemId, t.type, t.at, t.id),
    index('events_type').on(t.type, t.at, t.id),
  ],
);

/**
 * Webhooks: where events are delivered (Standard Webhooks). `events` is a JSON list of types or
 * `["*"]`; a null ecosystem takes every ecosystem's events. The signing secret is kept as issued
 * (`whsec_...`): a receiver verifies an HMAC with it, so it cannot be stored as a hash.
 */
export const webhooks = sqliteTable('webhooks', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  ecosystemId: text('ecosystem_id'),
  secret: text('secret').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * One event's delivery to one webhook, queued in the batch of the event: `pending` until a send
 * succeeds (`sent`) or WEBHOOK_MAX_ATTEMPTS have failed (`failed`); the Cron run retries a pending
 * one once `nextAttemptAt` has passed.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastAttemptAt: integer('last_attempt_at'),
    /** The receiver's HTTP status of the last attempt, or null when it did not answer. */
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('webhook_deliveries_webhook').on(t.webhookId, t.createdAt, t.id),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
  ],
);

export const schema = {
  ecosystems,
  environments,
  serverTokens,
  users,
  loginFailures,
  attributes,
  accessGrants,
  sessions,
  spentSecrets,
  oneTimeCodes,
  outbox,
  kvBacklog,
  oauthClients,
  authorizationCodes,
  initialAccessTokens,
  deviceAuthorizations,
  clientAssertionIds,
  totpFactors,
  recoveryCodes,
  signInChallenges,
  identityProviders,
  linkedIdentities,
  events,
  webhooks,
  webhookDeliveries,
};

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type EcosystemRow = typeof ecosystems.$inferSelect;
export type EnvironmentRow = typeof environments.$inferSelect;
export type AttributeRow = typeof attributes.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type OAuthClientRow = typeof oauthClients.$inferSelect;
export type AuthorizationCodeRow = typeof authorizationCodes.$inferSelect;
export type InitialAccessTokenRow = typeof initialAccessTokens.$inferSelect;
export type DeviceAuthorizationRow = typeof deviceAuthorizations.$inferSelect;
export type IdentityProviderRow = typeof identityProviders.$inferSelect;
export type LinkedIdentityRow = typeof linkedIdentities.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
