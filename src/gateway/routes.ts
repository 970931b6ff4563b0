// GATEWAY_ROUTES: a JSON array of {prefix, origin, require?, ecosystem?}. A prefix is a path of
// literal segments and `:name` placeholders, ending in "/"; `require` may name a role (or a list),
// a maximum permissionLevel, and an environment (a placeholder of the prefix). A route accepts
// tokens of DEFAULT_ECOSYSTEM unless it names another ecosystem or "*" (any), or checks an
// environment (whose grants are per ecosystem already).

export interface GatewayRoute {
  prefix: string;
  segments: string[];
  origin: string;
  require: {
    roles?: string[];
    permissionLevel?: number;
    environment?: string;
  };
  ecosystem?: string;
}

function fail(index: number, reason: string): never {
  throw new Error(`route ${index} ${reason}`);
}

function parseRoute(entry: unknown, index: number): GatewayRoute {
  if (typeof entry !== 'object' || entry === null) fail(index, 'must be an object');
  const { prefix, origin, require = {}, ecosystem } = entry as Record<string, unknown>;
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || !prefix.endsWith('/')) {
    fail(index, 'needs a "prefix" that starts and ends with "/"');
  }
  const segments = prefix.split('/').slice(1, -1);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    fail(index, 'has an empty, "." or ".." segment in its prefix');
  }
  if (typeof origin !== 'string') fail(index, 'needs an "origin" URL');
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    fail(index, 'has an "origin" that is not a URL');
  }
  if (originUrl.protocol !== 'https:' && originUrl.protocol !== 'http:') fail(index, 'needs an http(s) origin');
  if (typeof require !== 'object' || require === null) fail(index, 'has a "require" that is not an object');
  const { role, permissionLevel, environment } = require as Record<string, unknown>;
  const roles = role === undefined ? undefined : Array.isArray(role) ? role : [role];
  if (roles && !roles.every((item) => typeof item === 'string')) fail(index, 'has a "require.role" that is not a string');
  if (permissionLevel !== undefined && (typeof permissionLevel !== 'number' || ![0, 1, 2].includes(permissionLevel))) {
    fail(index, 'has a "require.permissionLevel" that is not 0, 1 or 2');
  }
  if (environment !== undefined && (typeof environment !== 'string' || !segments.includes(environment))) {
    fail(index, 'has a "require.environment" that is not a placeholder of its prefix');
  }
  if (ecosystem !== undefined && typeof ecosystem !== 'string') fail(index, 'has an "ecosystem" that is not a string');
  return {
    prefix,
    segments,
    origin: origin.replace(/\/+$/, ''),
    require: {
      ...(roles ? { roles: roles as string[] } : {}),
      ...(permissionLevel !== undefined ? { permissionLevel: permissionLevel as number } : {}),
      ...(environment !== undefined ? { environment: environment as string } : {}),
    },
    ...(ecosystem !== undefined ? { ecosystem: ecosystem as string } : {}),
  };
}

export function parseGatewayRoutes(text: string): GatewayRoute[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON array of routes');
  }
  if (!Array.isArray(parsed)) throw new Error('must be a JSON array of routes');
  return parsed.map(parseRoute);
}

export interface RouteMatch {
  route: GatewayRoute;
  params: Record<string, string>;
}

/** The first route whose prefix matches the (already normalised, decoded-safe) path. */
export function matchGatewayRoute(routes: GatewayRoute[], path: string): RouteMatch | null {
  const parts = path.split('/').slice(1);
  for (const route of routes) {
    if (parts.length <= route.segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.segments.every((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment] = parts[i]!;
        return parts[i] !== '';
      }
      return segment === parts[i];
    });
    if (matches) return { route, params };
  }
  return null;
}
