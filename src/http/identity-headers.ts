// The one home of the identity headers: the ones Gatehouse sets (forward-auth's answer, the
// gateway's request to an origin) and every header an origin might read as who the caller is,
// which the gateway strips from what the client sent before it adds its own. Names are compared
// lower-cased with "_" read as "-": CGI, WSGI, Rack and PHP turn `X_User_Id` and `X-User-Id` into
// the same variable, while a fetch Headers object keeps them apart. Beyond the lists, a rule: any
// name that, with ".", "_" and "-" folded away, holds an identity word (IDENTITY_WORDS).

/** What Gatehouse tells a proxy or an origin about a verified caller. */
export interface HeaderIdentity {
  userId: string;
  email: string | null;
  role: string;
  ecosystemId: string;
}

const USER_ID_HEADER = 'X-User-Id';
const USER_EMAIL_HEADER = 'X-User-Email';
const USER_ROLE_HEADER = 'X-User-Role';
const ECOSYSTEM_ID_HEADER = 'X-Ecosystem-Id';
const CLIENT_ID_HEADER = 'X-Client-Id';
const CLIENT_SCOPE_HEADER = 'X-Client-Scope';
export const ASSERTION_HEADER = 'X-Gatehouse-Assertion';

/** Identity headers by exact name (normalised: lower case, "-" for "_"). */
const IDENTITY_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'x-user',
  'x-email',
  'x-ecosystem-id',
  // Forward-auth's answer for a machine token (client_credentials): the client it speaks for.
  'x-client-id',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-forwarded-groups',
  'x-forwarded-access-token',
  // Set by the gateway itself: a client's underscore twin must not reach a CGI-style origin.
  'x-forwarded-host',
  'x-forwarded-proto',
  // Paths some frameworks route by instead of the request line (IIS, Symfony, Laravel, Spring):
  // a client must not pick a protected path behind a less protected route.
  'x-original-url',
  'x-rewrite-url',
  'x-original-uri',
  'x-forwarded-uri',
  'x-forwarded-prefix',
  'x-forwarded-path',
  // Identity read by common apps and gateways: Grafana's auth proxy, mTLS client certificates.
  'x-webauth-user',
  'x-forwarded-client-cert',
  'ssl-client-cert',
]);

/** Identity headers by prefix: ours, the usual proxies' (oauth2-proxy, Authelia, Cloudflare
 * Access, Google IAP, AWS ALB, Azure App Service) and the CGI-style Remote-* family. */
const IDENTITY_PREFIXES = [
  'x-user-',
  'x-gatehouse-',
  'x-auth-request-',
  'remote-',
  'x-remote-',
  'cf-access-',
  'x-goog-authenticated-user-',
  'x-goog-iap-',
  'x-amzn-oidc-',
  'x-ms-client-principal',
  'x-ms-token-',
  'x-webauth-',
  'x-authenticated-',
  'x-consumer-',
  'x-credential-',
  'x-ssl-client-',
  'x-client-cert',
  'x-client-verify',
  'x-client-dn',
];

/**
 * The rule under the lists: a header whose name, lower-cased with ".", "_" and "-" folded away,
 * contains one of these words is taken for identity, whatever its spelling (`X.User.Role`,
 * `X-Auth-User`, `X-Roles`, `X-Username`, `Forwarded-User`, `X-Tenant`). A list of names can
 * always miss the next framework's; the cost is that an origin never receives a client header
 * that merely looks like one (say `X-Author`), which no gateway should forward on trust anyway.
 */
const IDENTITY_WORDS = [
  'user',
  'role',
  'email',
  'auth',
  'identity',
  'principal',
  'group',
  'login',
  'tenant',
  'permission',
  'scope',
  'claim',
  'admin',
  'ecosystem',
  'gatehouse',
];

/** Standard headers the words would catch that carry no identity: the browser's own. */
const NOT_IDENTITY = new Set(['useragent', 'secfetchuser']);

/** A header name as a CGI-style origin reads it: lower case, "_" as "-". */
function normalisedHeaderName(name: string): string {
  return name.toLowerCase().replaceAll('_', '-');
}

/** A header name with every separator an origin might read differently folded away. */
function foldedHeaderName(name: string): string {
  return name.toLowerCase().replace(/[._-]/g, '');
}

/** Whether an origin might read the header as the caller's identity or credentials. */
export function isIdentityHeader(name: string): boolean {
  const normalised = normalisedHeaderName(name);
  if (IDENTITY_NAMES.has(normalised) || IDENTITY_PREFIXES.some((prefix) => normalised.startsWith(prefix))) return true;
  const folded = foldedHeaderName(name);
  return !NOT_IDENTITY.has(folded) && IDENTITY_WORDS.some((word) => folded.includes(word));
}

/** The headers that carry a verified identity, in the order they are set. */
export function identityHeaders(identity: HeaderIdentity): [string, string][] {
  return [
    [USER_ID_HEADER, identity.userId],
    [USER_EMAIL_HEADER, identity.email ?? ''],
    [USER_ROLE_HEADER, identity.role],
    [ECOSYSTEM_ID_HEADER, identity.ecosystemId],
  ];
}

/** A cookie name as a PHP-style origin reads it (".", " " and "[" become "_"), lower-cased. */
function normalisedCookieName(name: string): string {
  return name.trim().toLowerCase().replace(/[ .[]/g, '_');
}

/** A Cookie header without the cookie `name` (in any of the spellings an origin reads as it). */
export function withoutCookie(cookie: string, name: string): string {
  const target = normalisedCookieName(name);
  return cookie
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && normalisedCookieName(pair.split('=')[0]!) !== target)
    .join('; ');
}

/** Forward-auth's headers for a machine token: the client and its scopes, and no user's. */
export function machineIdentityHeaders(identity: { clientId: string; scope: string | null }): [string, string][] {
  return [
    [CLIENT_ID_HEADER, identity.clientId],
    [CLIENT_SCOPE_HEADER, identity.scope ?? ''],
  ];
}
