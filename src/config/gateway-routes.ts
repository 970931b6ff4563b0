// GATEWAY_ROUTES: a JSON array of {prefix, origin, require?, ecosystem?, strict?}. A prefix is a
// path of literal segments and `:name` placeholders, ending in "/"; `require` may name a role (or
// a list), a maximum permissionLevel, and an environment (a placeholder of the prefix), or be
// {"public": true} to forward without a token. A route accepts tokens of DEFAULT_ECOSYSTEM unless
// it names another ecosystem or "*" (any), or checks an environment (whose grants are per
// ecosystem already). `strict` checks revocation against D1 instead of the edge's KV cache.
// `login` makes it a website route: a browser is sent to the hosted sign-in and then let in by
// its cookies (src/web/website-session.ts); a public route cannot be one.

export interface GatewayRoute {
  prefix: string;
  segments: string[];
  origin: string;
  require: {
    roles?: string[];
    permissionLevel?: number;
    environment?: string;
    public?: true;
  };
  ecosystem?: string;
  strict?: true;
  login?: true;
  /** Only a session signed in with a second factor (amr has `mfa`) passes. */
  mfa?: true;
}

const ROUTE_KEYS = ['prefix', 'origin', 'require', 'ecosystem', 'strict', 'login', 'mfa'];
const REQUIRE_KEYS = ['role', 'permissionLevel', 'environment', 'public'];
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/;
const PLACEHOLDER_SEGMENT = /^:[A-Za-z_][A-Za-z0-9_]*$/;
const ECOSYSTEM_ID = /^([A-Za-z0-9_-]{1,64}|\*)$/;

function fail(index: number, reason: string): never {
  throw new Error(`route ${index} ${reason}`);
}

function checkKeys(index: number, value: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) fail(index, `has unknown ${where} field(s) ${unknown.map((key) => `"${key}"`).join(', ')}`);
}

function parsePrefix(prefix: unknown, index: number): string[] {
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || !prefix.endsWith('/')) {
    fail(index, 'needs a "prefix" that starts and ends with "/"');
  }
  const segments = prefix.split('/').slice(1, -1);
  if (segments.length === 0) fail(index, 'has the prefix "/", which would take every path of the service');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || !(LITERAL_SEGMENT.test(segment) || PLACEHOLDER_SEGMENT.test(segment))) {
      fail(index, `has a prefix segment "${segment}" that is empty, a dot-segment or not a plain path segment`);
    }
  }
  if (segments[0]!.startsWith(':')) {
    fail(index, `has the prefix "${prefix}", which overlaps the service's own routes (a placeholder first segment takes every path)`);
  }
  return segments;
}

function parseOrigin(origin: unknown, index: number): string {
  if (typeof origin !== 'string') fail(index, 'needs an "origin" URL');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    fail(index, 'has an "origin" that is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(index, 'needs an http(s) origin');
  if (url.username || url.password || url.search || url.hash) fail(index, 'has an "origin" with credentials, a query or a fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function parseRequire(require: unknown, segments: string[], index: number): GatewayRoute['require'] {
  if (typeof require !== 'object' || require === null || Array.isArray(require)) fail(index, 'has a "require" that is not an object');
  checkKeys(index, require as Record<string, unknown>, REQUIRE_KEYS, '"require"');
  const { role, permissionLevel, environment, public: open } = require as Record<string, unknown>;
  const roles = role === undefined ? undefined : Array.isArray(role) ? role : [role];
  if (roles && (roles.length === 0 || !roles.every((item) => typeof item === 'string'))) {
    fail(index, 'has a "require.role" that is not a string or a list of strings');
  }
  if (permissionLevel !== undefined && (typeof permissionLevel !== 'number' || ![0, 1, 2].includes(permissionLevel))) {
    fail(index, 'has a "require.permissionLevel" that is not 0, 1 or 2');
  }
  if (environment !== undefined && (typeof environment !== 'string' || !environment.startsWith(':') || !segments.includes(environment))) {
    fail(index, 'has a "require.environment" that is not a placeholder of its prefix');
  }
  if (open !== undefined && open !== true) fail(index, 'has a "require.public" that is not true');
  if (open && (roles || permissionLevel !== undefined || environment !== undefined)) {
    fail(index, 'is public and cannot require a role, a permissionLevel or an environment');
  }
  return {
    ...(roles ? { roles: roles as string[] } : {}),
    ...(permissionLevel !== undefined ? { permissionLevel: permissionLevel as number } : {}),
    ...(environment !== undefined ? { environment: environment as string } : {}),
    ...(open ? { public: true as const } : {}),
  };
}

function parseRoute(entry: unknown, index: number): GatewayRoute {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(index, 'must be an object');
  checkKeys(index, entry as Record<string, unknown>, ROUTE_KEYS, 'route');
  const { prefix, origin, require = {}, ecosystem, strict, login, mfa } = entry as Record<string, unknown>;
  const segments = parsePrefix(prefix, index);
  const needs = parseRequire(require, segments, index);
  if (ecosystem !== undefined && (typeof ecosystem !== 'string' || !ECOSYSTEM_ID.test(ecosystem))) {
    fail(index, 'has an "ecosystem" that is not an ecosystem id or "*"');
  }
  if (strict !== undefined && typeof strict !== 'boolean') fail(index, 'has a "strict" that is not a boolean');
  if (needs.public && (ecosystem !== undefined || strict)) fail(index, 'is public and cannot name an ecosystem or be strict');
  if (login !== undefined && typeof login !== 'boolean') fail(index, 'has a "login" that is not a boolean');
  if (needs.public && login) fail(index, 'is public and cannot be a "login" route (a public route asks nobody to sign in)');
  if (mfa !== undefined && typeof mfa !== 'boolean') fail(index, 'has an "mfa" that is not a boolean');
  if (needs.public && mfa) fail(index, 'is public and cannot need a second factor');
  return {
    prefix: prefix as string,
    segments,
    origin: parseOrigin(origin, index),
    require: needs,
    ...(ecosystem !== undefined ? { ecosystem: ecosystem as string } : {}),
    ...(strict ? { strict: true as const } : {}),
    ...(login ? { login: true as const } : {}),
    ...(mfa ? { mfa: true as const } : {}),
  };
}

/** The routes, most specific first (longest prefix, then most literal segments), else in the order given. */
export function parseGatewayRoutes(text: string): GatewayRoute[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON array of routes');
  }
  if (!Array.isArray(parsed)) throw new Error('must be a JSON array of routes');
  const routes = parsed.map(parseRoute);
  const shapes = routes.map((route) => route.segments.map((segment) => (segment.startsWith(':') ? ':' : segment)).join('/'));
  const duplicate = shapes.findIndex((shape, i) => shapes.indexOf(shape) !== i);
  if (duplicate !== -1) fail(duplicate, `repeats the prefix of route ${shapes.indexOf(shapes[duplicate]!)}`);
  const literals = (route: GatewayRoute) => route.segments.filter((segment) => !segment.startsWith(':')).length;
  return routes
    .map((route, i) => ({ route, i }))
    .sort((a, b) => b.route.segments.length - a.route.segments.length || literals(b.route) - literals(a.route) || a.i - b.i)
    .map(({ route }) => route);
}

/**
 * Refuses a route whose first segment the service answers itself (a route there would shadow a
 * face). The faces' records say which (src/faces/index.ts, read by src/startup.ts): the
 * configuration imports no face. `owned` lists them for the message.
 */
export function refuseOwnedPrefixes(routes: GatewayRoute[], isOwned: (segment: string) => boolean, owned: string[]): void {
  const taken = routes.find((route) => isOwned(route.segments[0]!));
  if (taken) {
    const list = owned.map((segment) => `/${segment}/`).join(', ');
    throw new Error(`has a route with the prefix "${taken.prefix}", which overlaps the service's own routes (${list})`);
  }
}
