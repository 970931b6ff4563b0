// Every HTTP route the app registers, as the robustness sweeps attack it. The list is the app's own
// (Hono's `app.routes`, as test/openapi reads it), so a new route is swept without a word here.
// What the app cannot say is written below per route: a request that works (path, credential,
// cookie, body), the path parameters that can be replaced, the query keys it reads, and which kinds
// of token it accepts (all others must be refused). A registered route without such a case is swept
// as it stands (no credential, no body, each parameter a placeholder); a route not to be swept at
// all is in EXCLUDED with the reason, and test/robustness/coverage.test.ts fails on any other.
import { buildApp } from '../../src/app';
import { faceOf, type Face } from './shapes';
import type { TokenKind, World } from './world';

export type Fields = Record<string, unknown>;

export interface RouteCase {
  /** Method and route as documented, for test names. */
  name: string;
  method: string;
  /** A path that works, its parameters taken from the world. */
  path: (w: World) => string;
  /** Each path parameter, and the path with it replaced by a raw (already URL-encoded) value. */
  params?: Record<string, (w: World, value: string) => string>;
  /** The token the route is called with; none for a public route. */
  token?: TokenKind;
  /** The kinds of token the route takes; every other kind must get a 4xx. Absent: public route. */
  accepts?: TokenKind[];
  /** A body that works. */
  body?: (w: World) => Fields;
  /** Bodies beyond the per-field variants (nested fields). */
  extraBodies?: (w: World) => Fields[];
  /** The route also takes form-encoded bodies. */
  form?: boolean;
  /** Query keys the route reads. */
  query?: string[];
  /** A Cookie header the route's good request carries (a hosted form's CSRF cookie). */
  cookie?: (w: World) => string;
  /** The route takes form-encoded bodies only (a hosted page's form): its good body is sent as a form. */
  formOnly?: boolean;
  /**
   * Another path to the very handlers of the route named here (the User Service's `/current`
   * aliases): its path and query strings are swept, its bodies and credentials there.
   */
  sameAs?: string;
}

const DROPLIT: TokenKind[] = ['account', 'server'];
const ADMIN: TokenKind[] = ['account'];
const GATEKEEPER: TokenKind[] = ['account', 'access', 'usAccess', 'gkAccess'];
const SERVICE: TokenKind[] = ['access', 'usAccess', 'gkAccess'];
/** Forward-auth and userinfo: tokens of DEFAULT_ECOSYSTEM only (the app token is another's). */
const DEFAULT_BEARER: TokenKind[] = ['access', 'usAccess', 'gkAccess'];

/** A route case; its method is the first word of its name. */
function route(name: string, path: RouteCase['path'], more: Omit<Partial<RouteCase>, 'name' | 'path'> = {}): RouteCase {
  return { name, method: name.split(' ')[0]!, path, ...more };
}

const appUser = (eco: string, user: string) => `/api/users/${eco};${user}`;
const droplitParams = (rest: string) => ({
  ecosystemId: (w: World, v: string) => appUser(v, w.app.uniqueId) + rest,
  userId: (w: World, v: string) => appUser(w.eco.id, v) + rest,
  segment: (_w: World, v: string) => `/api/users/${v}${rest}`,
});
const droplitBody = (w: World): Fields => ({
  email: `${w.tag}.new@example.com`,
  meta: { plan: 'team' },
  access: [{ environmentId: w.eco.environmentId, accessLevel: 'all' }],
});
const droplitExtras = (w: World): Fields[] => [
  { access: [42] },
  { access: [null] },
  { access: [{ environmentId: 42 }] },
  { access: [{ environmentId: w.eco.environmentId, accessLevel: { a: 1 } }] },
  { access: [{ environmentId: 'x'.repeat(100) }] },
  { access: [{ environmentId: 'no-such-environment' }] },
  { access: Array.from({ length: 31 }, () => ({ environmentId: w.eco.environmentId })) },
  { meta: { deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) } },
  { meta: { text: '\ud800\u0000\u202e' } },
  { email: '', meta: [] },
];
const droplitWrite = { token: 'account', accepts: DROPLIT, body: droplitBody, extraBodies: droplitExtras } as const;
const PUT_QUERY = ['generateToken', 'expiryType', 'ttl'];

const droplit: RouteCase[] = [
  route('PUT /api/users/:user (create)', (w) => appUser(w.eco.id, `${w.tag}-new`), {
    ...droplitWrite,
    params: droplitParams(''),
    query: PUT_QUERY,
  }),
  route('PUT /api/users/:user (update)', (w) => w.app.path, { ...droplitWrite, query: PUT_QUERY }),
  route('POST /api/users/:user/tokens', (w) => `${w.app.path}/tokens`, {
    params: droplitParams('/tokens'),
    token: 'account',
    accepts: DROPLIT,
    query: ['expiryType', 'ttl'],
  }),
  route('GET /api/users/:user', (w) => w.app.path, { params: droplitParams(''), token: 'account', accepts: DROPLIT }),
  route('GET /api/users', (w) => `/api/users?ecosystemId=${w.eco.id}`, {
    token: 'account',
    accepts: DROPLIT,
    query: ['ecosystemId', 'limit', 'cursor'],
  }),
  route('DELETE /api/users/:user', (w) => w.app.path, { params: droplitParams(''), token: 'account', accepts: DROPLIT }),
  route('DELETE /api/users/:user/tokens', (w) => `${w.app.path}/tokens`, {
    params: droplitParams('/tokens'),
    token: 'account',
    accepts: DROPLIT,
  }),
];

const gatekeeper: RouteCase[] = [
  route('POST /api/v2/users', () => '/api/v2/users', {
    body: (w) => ({
      username: `${w.tag}_gk`,
      password: w.user.password,
      email: `${w.tag}.gk@example.com`,
      user_type: 'developer',
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone_number: '+44 1',
      public_key: 'KEY',
      certificate: 'CERT',
    }),
  }),
  route('GET /api/v2/users', () => '/api/v2/users', { token: 'gkAccess', accepts: GATEKEEPER, query: ['offset', 'limit'] }),
  route('PUT /api/v2/users', () => '/api/v2/users', {
    token: 'gkAccess',
    accepts: GATEKEEPER,
    body: (w) => ({ username: w.user.username, password: w.user.password, email: w.user.email, user_type: 'developer', first_name: 'Ada' }),
  }),
  route('OPTIONS /api/v2/users', () => '/api/v2/users'),
  route('OPTIONS /api/v2/sessions', () => '/api/v2/sessions'),
  route('GET /api/v2/users/public-key', () => '/api/v2/users/public-key'),
  route('GET /api/v2/users/:uuid', (w) => `/api/v2/users/${w.user.id}`, {
    params: { uuid: (_w, v) => `/api/v2/users/${v}` },
    token: 'gkAccess',
    accepts: GATEKEEPER,
  }),
  route('PATCH /api/v2/users/:username/user-public-key', (w) => `/api/v2/users/${w.user.username}/user-public-key`, {
    params: { username: (_w, v) => `/api/v2/users/${v}/user-public-key` },
    token: 'gkAccess',
    accepts: GATEKEEPER,
    body: () => ({ public_key: 'NEW KEY', certificate: 'NEW CERT' }),
    extraBodies: () => [
      { public_key: undefined, 'public-key': 42 },
      { public_key: null, 'public-key': 'KEY' },
      { public_key: { pem: 'x' } },
    ],
  }),
  route('POST /api/v2/sessions', () => '/api/v2/sessions', { body: (w) => ({ username: w.user.username, password: w.user.password }) }),
  route('DELETE /api/v2/sessions', () => '/api/v2/sessions', { token: 'gkAccess', accepts: ['access', 'usAccess', 'gkAccess'] }),
];

const us = (path: string) => `/v1/users/${path}`;
const version = (path: string) => ({ version: (_w: World, v: string) => `/${v}/users/${path}` });
const bearer = { token: 'usAccess', accepts: SERVICE } as const;

const userService: RouteCase[] = [
  route('GET /v1/users/health', () => us('health'), { params: version('health') }),
  route('POST /v1/users/register', () => us('register'), {
    form: true,
    body: (w) => ({ email: `${w.tag}.us@example.com`, password: w.user.password, firstname: 'Ada', lastname: 'Lovelace', language: 'en' }),
  }),
  route('GET /v1/users/activate', () => us('activate?code=nope'), { query: ['code'] }),
  route('POST /v1/users/activate', () => us('activate'), { form: true, body: () => ({ code: 'nope' }), query: ['code'] }),
  route('POST /v1/users/login', () => us('login'), { form: true, body: (w) => ({ email: w.user.email, password: w.user.password }) }),
  route('POST /v1/users/accessToken', () => us('accessToken'), { form: true, body: (w) => ({ refreshToken: w.tokens.usRefresh }) }),
  route('POST /v1/users/newPassword', () => us('newPassword'), { form: true, body: (w) => ({ email: w.user.email }) }),
  route('GET /v1/users/resetPassword', () => us('resetPassword?code=nope'), { query: ['code'] }),
  route('POST /v1/users/resetPassword', () => us('resetPassword'), {
    form: true,
    body: (w) => ({ code: 'nope', password: w.user.password }),
    query: ['code', 'password'],
  }),
  route('POST /v1/users/attributes', () => us('attributes'), {
    ...bearer,
    params: version('attributes'),
    form: true,
    body: () => ({ attributeKey: 'colour', attributeText: 'blue' }),
  }),
  route('GET /v1/users/attributes', () => us('attributes'), bearer),
  route('DELETE /v1/users/attributes', () => us('attributes'), {
    ...bearer,
    form: true,
    body: () => ({ attributeKey: 'colour' }),
    query: ['attributeKey', 'attributeId'],
  }),
  route('DELETE /v1/users/attribute', () => us('attribute'), {
    ...bearer,
    form: true,
    body: () => ({ attributeId: 'some-id' }),
    query: ['attributeKey', 'attributeId'],
  }),
  route('POST /v1/users/profile', () => us('profile'), { ...bearer, form: true, body: () => ({ firstname: 'Ada', lastname: 'Byron' }) }),
  route('GET /v1/users/profile', () => us('profile'), { ...bearer, params: version('profile') }),
  route('GET /v1/users/status', () => us('status'), bearer),
  route('OPTIONS /v1/users/login', () => us('login')),
];

/** The User Service's `/users/current/...` aliases: the same handlers (src/faces/user-service/routes.ts), so the same cases. */
const CURRENT_ALIASES = [
  'POST /v1/users/login',
  'POST /v1/users/accessToken',
  'POST /v1/users/attributes',
  'GET /v1/users/attributes',
  'DELETE /v1/users/attributes',
  'DELETE /v1/users/attribute',
  'POST /v1/users/profile',
  'GET /v1/users/profile',
  'GET /v1/users/status',
];
userService.push(
  ...userService
    .filter((route) => CURRENT_ALIASES.includes(route.name))
    .map(({ params: _params, ...route }) => ({
      ...route,
      sameAs: route.name,
      name: route.name.replace('/v1/users/', '/v1/users/current/'),
      path: (w: World) => route.path(w).replace('/v1/users/', '/v1/users/current/'),
    })),
);

const oauth: RouteCase[] = [
  route('POST /oauth/token (password)', () => '/oauth/token', {
    form: true,
    body: (w) => ({ grant_type: 'password', username: w.user.email, password: w.user.password }),
  }),
  route('POST /oauth/token (refresh_token)', () => '/oauth/token', {
    form: true,
    body: (w) => ({ grant_type: 'refresh_token', refresh_token: w.tokens.refresh }),
  }),
  route('POST /oauth/revoke', () => '/oauth/revoke', { form: true, body: (w) => ({ token: w.tokens.refresh }) }),
  route('POST /oauth/introspect', () => '/oauth/introspect', {
    token: 'account',
    accepts: ['account', 'server'],
    form: true,
    body: (w) => ({ token: w.tokens.access }),
  }),
  route('GET /oauth/userinfo', () => '/oauth/userinfo', { token: 'access', accepts: DEFAULT_BEARER }),
  route('POST /oauth/userinfo', () => '/oauth/userinfo', { token: 'access', accepts: DEFAULT_BEARER }),
  route('POST /oauth/token (authorization_code)', () => '/oauth/token', {
    // No code is live in the world: the good request is refused (invalid_grant), every variant must be too.
    form: true,
    body: (w) => ({
      grant_type: 'authorization_code',
      client_id: w.oauthClient.id,
      code: 'no-such-code',
      redirect_uri: w.oauthClient.redirectUri,
      code_verifier: 'v'.repeat(43),
    }),
  }),
];

/** A browser without a session: authorize sends it to /signin (302), refusals are pages. */
const AUTHORIZE_QUERY = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'auth_after',
  'acr_values',
];
const authorizePath = (w: World) =>
  `/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: w.oauthClient.id,
    redirect_uri: w.oauthClient.redirectUri,
    scope: 'openid',
    state: 's',
    nonce: 'n',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  })}`;

/** A hosted form's CSRF token: its `__Host-` cookie and the same value in the form (double submit). */
const CSRF = 'rbCsrfToken0123456789abcdefghijklmnopqrstuv';
/** A hosted page's form, posted by a browser without a session that holds the form's CSRF cookie. */
const pageForm = (fields: (w: World) => Fields) =>
  ({
    form: true,
    formOnly: true,
    cookie: () => `__Host-gatehouse-csrf=${CSRF}`,
    body: (w: World) => ({ csrf: CSRF, ...fields(w) }),
  }) as const;
const LOGOUT_FIELDS = (w: World): Fields => ({
  client_id: w.oauthClient.id,
  post_logout_redirect_uri: w.oauthClient.postLogoutRedirectUri,
  state: 's',
});

const page: RouteCase[] = [
  route('GET /oauth/authorize', authorizePath, { query: AUTHORIZE_QUERY }),
  route(
    'GET /oauth/logout',
    (w) =>
      `/oauth/logout?client_id=${w.oauthClient.id}&post_logout_redirect_uri=${encodeURIComponent(w.oauthClient.postLogoutRedirectUri)}&state=s`,
    {
      query: ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'],
    },
  ),
  route('POST /oauth/logout', () => '/oauth/logout', pageForm(LOGOUT_FIELDS)),
  route('GET /signin', () => '/signin?return=/account', { query: ['return'] }),
  route('POST /signin', () => '/signin', {
    ...pageForm((w) => ({ login: w.user.email, password: w.user.password, return: '/account' })),
    query: ['return'],
  }),
  route('GET /signup', () => '/signup', { query: ['return'] }),
  route(
    'POST /signup',
    () => '/signup',
    pageForm((w) => ({ email: `${w.tag}.pg@example.com`, password: w.user.password, firstName: 'Ada', lastName: 'Lovelace' })),
  ),
  route('GET /forgot-password', () => '/forgot-password'),
  route(
    'POST /forgot-password',
    () => '/forgot-password',
    pageForm((w) => ({ email: w.user.email })),
  ),
  route('GET /reset-password', () => '/reset-password?code=nope', { query: ['code'] }),
  route(
    'POST /reset-password',
    () => '/reset-password',
    pageForm((w) => ({ code: 'nope', password: w.user.password })),
  ),
  route('GET /confirm-email', () => '/confirm-email?code=nope', { query: ['code'] }),
  route('GET /signout', () => '/signout?return=/signin', { query: ['return'] }),
  route('GET /device', () => '/device?user_code=BCDF-GHJK', { query: ['user_code'] }),
  route(
    'POST /device',
    () => '/device',
    pageForm(() => ({ user_code: 'BCDF-GHJK' })),
  ),
  route(
    'POST /device/decide',
    () => '/device/decide',
    pageForm(() => ({ user_code: 'BCDF-GHJK', decision: 'deny' })),
  ),
  route(
    'POST /signout',
    () => '/signout',
    pageForm(() => ({ return: '/signin' })),
  ),
  route(
    'POST /account/sessions/sign-out',
    () => '/account/sessions/sign-out',
    pageForm(() => ({ session: crypto.randomUUID() })),
  ),
  route(
    'POST /account/sessions/sign-out-others',
    () => '/account/sessions/sign-out-others',
    pageForm(() => ({})),
  ),
  route('POST /signin/code', () => '/signin/code', {
    ...pageForm(() => ({ challenge: `${crypto.randomUUID()}.nope`, code: '123456', return: '/account' })),
  }),
  route('POST /signin/enrol', () => '/signin/enrol', {
    ...pageForm(() => ({ challenge: `${crypto.randomUUID()}.nope`, code: '123456', return: '/account' })),
  }),
  route(
    'POST /signin/passkey/options',
    () => '/signin/passkey/options',
    pageForm(() => ({})),
  ),
  route('POST /signin/passkey', () => '/signin/passkey', {
    ...pageForm(() => ({ challenge: crypto.randomUUID(), response: '{"id":"x","response":{}}', return: '/account' })),
  }),
  route(
    'POST /account/password',
    () => '/account/password',
    pageForm(() => ({ password: 'a new password 1' })),
  ),
  route(
    'POST /account/email',
    () => '/account/email',
    pageForm(() => ({ email: 'new@example.com' })),
  ),
  route(
    'POST /account/passkeys/options',
    () => '/account/passkeys/options',
    pageForm(() => ({})),
  ),
  route(
    'POST /account/passkeys',
    () => '/account/passkeys',
    pageForm(() => ({ challenge: crypto.randomUUID(), response: '{}', name: 'x' })),
  ),
  route(
    'POST /account/passkeys/remove',
    () => '/account/passkeys/remove',
    pageForm(() => ({ passkey: 'x' })),
  ),
  route(
    'POST /account/mfa/totp',
    () => '/account/mfa/totp',
    pageForm(() => ({})),
  ),
  route(
    'POST /account/mfa/totp/confirm',
    () => '/account/mfa/totp/confirm',
    pageForm(() => ({ code: '123456' })),
  ),
  route(
    'POST /account/mfa/recovery-codes',
    () => '/account/mfa/recovery-codes',
    pageForm(() => ({})),
  ),
  route(
    'POST /account/mfa/off',
    () => '/account/mfa/off',
    pageForm(() => ({})),
  ),
  route(
    'POST /account/identities/unlink',
    () => '/account/identities/unlink',
    pageForm(() => ({ identity: crypto.randomUUID() })),
  ),
  // A provider id nobody configured: the page answers 404, and nothing is linked.
  route(
    'POST /account/identities/link',
    () => '/account/identities/link',
    pageForm(() => ({ provider: 'no-such-provider' })),
  ),
];

const operator = { token: 'account', accepts: ADMIN } as const;
const ecoParam = (rest: string) => ({ ecosystemId: (_w: World, v: string) => `/admin/v1/ecosystems/${v}${rest}` });
const userParam = (rest = '') => ({ id: (_w: World, v: string) => `/admin/v1/users/${v}${rest}` });
const webhookParam = (rest = '') => ({ id: (_w: World, v: string) => `/admin/v1/webhooks/${v}${rest}` });
const webhookPath =
  (rest = '') =>
  (w: World) =>
    `/admin/v1/webhooks/${w.webhook.id}${rest}`;
const userPath =
  (rest = '') =>
  (w: World) =>
    `/admin/v1/users/${w.user.id}${rest}`;

const clientPath = (w: World) => `/admin/v1/clients/${w.oauthClient.id}`;
const clientParam = { clientId: (_w: World, v: string) => `/admin/v1/clients/${v}` };

const providerPath = (w: World) => `/admin/v1/identity-providers/${w.identityProvider.id}`;
const providerParam = { providerId: (_w: World, v: string) => `/admin/v1/identity-providers/${v}` };

const management: RouteCase[] = [
  route('GET /.well-known/jwks.json', () => '/.well-known/jwks.json'),
  route('GET /.well-known/openid-configuration', () => '/.well-known/openid-configuration'),
  route('GET /.well-known/oauth-authorization-server', () => '/.well-known/oauth-authorization-server'),
  route('GET /auth/verify', () => '/auth/verify', { token: 'access', accepts: DEFAULT_BEARER }),
  route('POST /admin/v1/ecosystems', () => '/admin/v1/ecosystems', { ...operator, body: () => ({ name: 'acme' }) }),
  route('GET /admin/v1/ecosystems', () => '/admin/v1/ecosystems', operator),
  route('POST /admin/v1/ecosystems/:ecosystemId/environments', (w) => `/admin/v1/ecosystems/${w.eco.id}/environments`, {
    ...operator,
    params: ecoParam('/environments'),
    body: () => ({ name: 'staging' }),
  }),
  route('POST /admin/v1/ecosystems/:ecosystemId/server-tokens', (w) => `/admin/v1/ecosystems/${w.eco.id}/server-tokens`, {
    ...operator,
    params: ecoParam('/server-tokens'),
    body: () => ({ name: 'ci' }),
  }),
  route('GET /admin/v1/ecosystems/:ecosystemId/password-policy', (w) => `/admin/v1/ecosystems/${w.eco.id}/password-policy`, {
    ...operator,
    params: ecoParam('/password-policy'),
  }),
  route('GET /admin/v1/ecosystems/:ecosystemId/mfa-policy', (w) => `/admin/v1/ecosystems/${w.eco.id}/mfa-policy`, {
    ...operator,
    params: ecoParam('/mfa-policy'),
  }),
  route('PUT /admin/v1/ecosystems/:ecosystemId/mfa-policy', (w) => `/admin/v1/ecosystems/${w.eco.id}/mfa-policy`, {
    ...operator,
    params: ecoParam('/mfa-policy'),
    body: () => ({ mfa: 'optional', admins: 'optional' }),
  }),
  route('PUT /admin/v1/ecosystems/:ecosystemId/password-policy', (w) => `/admin/v1/ecosystems/${w.eco.id}/password-policy`, {
    ...operator,
    params: ecoParam('/password-policy'),
    body: () => ({ minLength: 10, rejectCommon: true }),
  }),
  route('DELETE /admin/v1/server-tokens/:id', (w) => `/admin/v1/server-tokens/${w.eco.serverTokenId}`, {
    ...operator,
    params: { id: (_w, v) => `/admin/v1/server-tokens/${v}` },
  }),
  route('GET /admin/v1/users', (w) => `/admin/v1/users?q=${w.tag}`, { ...operator, query: ['ecosystemId', 'q', 'limit', 'cursor'] }),
  route('POST /admin/v1/users', () => '/admin/v1/users', {
    ...operator,
    body: (w) => ({
      email: `${w.tag}.adm@example.com`,
      username: `${w.tag}_adm`,
      password: w.user.password,
      role: 'user',
      ecosystemId: 'default',
      firstName: 'Ada',
      lastName: 'Lovelace',
    }),
  }),
  route('GET /admin/v1/users/:id', userPath(), { ...operator, params: userParam() }),
  route('PATCH /admin/v1/users/:id', userPath(), {
    ...operator,
    params: userParam(),
    body: () => ({ disabled: false, role: 'developer', permissionLevel: 2 }),
  }),
  route('DELETE /admin/v1/users/:id', userPath(), { ...operator, params: userParam() }),
  route('GET /admin/v1/users/:id/sessions', userPath('/sessions'), { ...operator, params: userParam('/sessions') }),
  route('DELETE /admin/v1/users/:id/sessions', userPath('/sessions'), { ...operator, params: userParam('/sessions') }),
  route('DELETE /admin/v1/users/:id/mfa', userPath('/mfa'), { ...operator, params: userParam('/mfa') }),
  route('DELETE /admin/v1/sessions/:id', (w) => `/admin/v1/sessions/${w.gkSession}`, {
    ...operator,
    params: { id: (_w, v) => `/admin/v1/sessions/${v}` },
  }),
  route('GET /admin/v1/outbox', (w) => `/admin/v1/outbox?to=${w.user.email}`, { ...operator, query: ['to', 'status', 'limit'] }),
  // No mail is queued for the world: the retry of an unknown id answers 404, and bad ids must too.
  route('POST /admin/v1/outbox/:id/retry', () => `/admin/v1/outbox/${crypto.randomUUID()}/retry`, {
    ...operator,
    params: { id: (_w, v) => `/admin/v1/outbox/${v}/retry` },
  }),
  route('GET /admin/v1/events', (w) => `/admin/v1/events?ecosystemId=${w.eco.id}&type=user.created&limit=2`, {
    ...operator,
    query: ['ecosystemId', 'userId', 'type', 'since', 'until', 'cursor', 'limit'],
  }),
  route('GET /admin/v1/users/:userId/events', (w) => `/admin/v1/users/${w.user.id}/events?limit=2`, {
    ...operator,
    params: { userId: (_w, v) => `/admin/v1/users/${v}/events` },
    query: ['type', 'since', 'until', 'cursor', 'limit'],
  }),
  route('GET /healthz', () => '/healthz'),
  route('GET /openapi.json', () => '/openapi.json'),
  route('GET /docs', () => '/docs'),
  route('POST /admin/v1/clients', () => '/admin/v1/clients', {
    ...operator,
    body: (w) => ({
      name: 'app',
      redirectUris: [w.oauthClient.redirectUri],
      postLogoutRedirectUris: [],
      public: false,
      scopes: ['openid'],
      allowPasswordGrant: false,
    }),
  }),
  route('GET /admin/v1/clients', () => '/admin/v1/clients', operator),
  route('GET /admin/v1/clients/:clientId', clientPath, { ...operator, params: clientParam }),
  route('PATCH /admin/v1/clients/:clientId', clientPath, {
    ...operator,
    params: clientParam,
    body: (w) => ({ name: 'renamed', redirectUris: [w.oauthClient.redirectUri], allowPasswordGrant: true }),
  }),
  route('DELETE /admin/v1/clients/:clientId', clientPath, { ...operator, params: clientParam }),
  route('POST /admin/v1/identity-providers', () => '/admin/v1/identity-providers', {
    ...operator,
    body: (w) => ({
      id: `${w.tag}-idp2`,
      name: 'Corp SSO',
      kind: 'oidc',
      clientId: 'gatehouse',
      clientSecret: 'upstream-secret',
      issuer: 'https://sso.corp.example',
      scopes: ['openid', 'email'],
      ecosystemId: 'default',
      linkByVerifiedEmail: false,
      defaultEnvironments: [],
    }),
  }),
  route('GET /admin/v1/identity-providers', () => '/admin/v1/identity-providers', operator),
  route('GET /admin/v1/identity-providers/:providerId', providerPath, { ...operator, params: providerParam }),
  route('PATCH /admin/v1/identity-providers/:providerId', providerPath, {
    ...operator,
    params: providerParam,
    body: () => ({ name: 'Renamed', linkByVerifiedEmail: true, scopes: ['openid'], defaultEnvironments: [] }),
  }),
  route('DELETE /admin/v1/identity-providers/:providerId', providerPath, { ...operator, params: providerParam }),
  route('POST /admin/v1/webhooks', () => '/admin/v1/webhooks', {
    ...operator,
    body: (w) => ({ url: `https://${w.tag}.example/hooks`, events: ['ecosystem.deleted'], ecosystemId: w.eco.id, disabled: true }),
  }),
  route('GET /admin/v1/webhooks', () => '/admin/v1/webhooks', operator),
  route('GET /admin/v1/webhooks/:id', webhookPath(), { ...operator, params: webhookParam() }),
  route('PATCH /admin/v1/webhooks/:id', webhookPath(), {
    ...operator,
    params: webhookParam(),
    body: () => ({ events: ['ecosystem.deleted', 'ecosystem.updated'], disabled: true }),
  }),
  route('DELETE /admin/v1/webhooks/:id', webhookPath(), { ...operator, params: webhookParam() }),
  route('POST /admin/v1/webhooks/:id/rotate-secret', webhookPath('/rotate-secret'), {
    ...operator,
    params: webhookParam('/rotate-secret'),
  }),
  route('GET /admin/v1/webhooks/:id/deliveries', webhookPath('/deliveries'), {
    ...operator,
    params: webhookParam('/deliveries'),
    query: ['limit'],
  }),
  // The world's webhook is disabled and has no delivery: the retry of an unknown one answers 404, and bad ids must too.
  route('POST /admin/v1/webhooks/:id/deliveries/:deliveryId/retry', (w) => `/admin/v1/webhooks/${w.webhook.id}/deliveries/msg_none/retry`, {
    ...operator,
    params: {
      id: (_w, v) => `/admin/v1/webhooks/${v}/deliveries/msg_none/retry`,
      deliveryId: (w, v) => `/admin/v1/webhooks/${w.webhook.id}/deliveries/${v}/retry`,
    },
  }),
];

/** The cases written by hand: what a route needs beyond what the app's route list says. */
export const CASES: RouteCase[] = [droplit, gatekeeper, userService, oauth, management, page].flat();

/**
 * Registered routes the sweep leaves out, each with the reason (`METHOD *` for every path of a
 * method). Every other route the app registers is swept.
 */
export const EXCLUDED: Record<string, string> = {
  'OPTIONS *':
    'CORS preflights and the User Service\'s "options allowed" (one answer for every path, before any handler reads the request); ' +
    'three are swept as written cases (OPTIONS /api/v2/users, /api/v2/sessions, /v1/users/login)',
};

/** A registered route as the sweep names it: `METHOD /path`, the User Service's `/:version{v[0-9]+}` as `/v1`. */
export function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/^\/:version\{[^}]*\}/, '/v1').replace(/:(\w+)\{[^}]*\}/g, ':$1')}`;
}

/** The route a case attacks: its name's first two words. */
export const keyOf = (route: RouteCase) => route.name.split(' ').slice(0, 2).join(' ');

/** Why the sweep leaves a registered route out, or undefined when it is swept. */
export function exclusionOf(key: string): string | undefined {
  return EXCLUDED[key] ?? EXCLUDED[`${key.split(' ')[0]} *`];
}

/** Every route the app registers (not its middleware, `ALL`), once each. */
export function registeredRoutes(): string[] {
  const keys = buildApp()
    .routes.filter((route) => route.method !== 'ALL')
    .map((route) => routeKey(route.method, route.path));
  return [...new Set(keys)].sort();
}

/** A route without a written case: the path as registered, each parameter a placeholder that can be replaced. */
function asRegistered(key: string): RouteCase {
  const [, path] = key.split(' ') as [string, string];
  const names = [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const filled = (replaced: string, value: string) =>
    path.replace(/:(\w+)/g, (_all, name: string) => (name === replaced ? value : 'placeholder'));
  const params = Object.fromEntries(names.map((name) => [name, (_w: World, value: string) => filled(name, value)]));
  return route(`${key} (as registered)`, () => filled('', ''), names.length > 0 ? { params } : {});
}

/** The sweep's routes: for each registered route not excluded, its written cases, else the route as registered. */
function sweptRoutes(): RouteCase[] {
  const written = new Map<string, RouteCase[]>();
  for (const route of CASES) written.set(keyOf(route), [...(written.get(keyOf(route)) ?? []), route]);
  return registeredRoutes()
    .filter((key) => exclusionOf(key) === undefined || written.has(key))
    .flatMap((key) => written.get(key) ?? [asRegistered(key)]);
}

export const ALL_ROUTES: RouteCase[] = sweptRoutes();
/** The routes whose bodies are swept: each that reads one, but aliases (their handlers' bodies are swept under the route they alias). */
export const BODY_ROUTES = ALL_ROUTES.filter((route) => route.body && !route.sameAs);
/** The routes whose credentials are swept, by the face that answers them (its error shape); not aliases, as for bodies. */
export function routesOf(...faces: Face[]): RouteCase[] {
  return ALL_ROUTES.filter((route) => !route.sameAs && faces.includes(faceOf(keyOf(route).split(' ')[1]!)));
}
