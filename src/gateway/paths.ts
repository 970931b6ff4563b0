// Which gateway route a request path belongs to, decided on the raw (still percent-encoded) path
// so that an encoded "/", "\" or dot-segment can never move a request under another prefix: the
// URL parser has already resolved literal "..", and a path under a prefix that still holds one of
// those after decoding is refused rather than forwarded.
import { AppError } from '../core/errors';
import type { GatewayRoute } from './routes';

export interface RouteMatch {
  route: GatewayRoute;
  /** Decoded values of the prefix's placeholders, keyed with their colon (":environmentId"). */
  params: Record<string, string>;
}

/** A segment decoded, or null when its percent-encoding is malformed. */
function decodeSegment(segment: string): string | null {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function isSafeSegment(decoded: string | null): boolean {
  if (decoded === null || decoded === '.' || decoded === '..') return false;
  // eslint-disable-next-line no-control-regex
  return !/[/\\\u0000-\u001f\u007f]/.test(decoded);
}

function matchPrefix(route: GatewayRoute, decoded: (string | null)[]): Record<string, string> | null {
  if (decoded.length <= route.segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = decoded[i];
    if (part === null || part === undefined || part === '') return null;
    if (segment.startsWith(':')) params[segment] = part;
    else if (segment !== part) return null;
  }
  return params;
}

/**
 * The most specific route whose prefix holds the raw path, or null. A path under a prefix with a
 * malformed escape, an encoded slash or backslash, or a dot-segment is refused (400).
 */
export function matchGatewayRoute(routes: GatewayRoute[], rawPath: string): RouteMatch | null {
  if (routes.length === 0) return null;
  const decoded = rawPath.split('/').slice(1).map(decodeSegment);
  for (const route of routes) {
    const params = matchPrefix(route, decoded);
    if (!params) continue;
    if (rawPath.includes('\\') || !decoded.every(isSafeSegment)) {
      throw new AppError('INVALID_FIELD', {
        field: 'path',
        in: 'path',
        reason: 'must not hold encoded slashes, backslashes, control characters or dot-segments',
      });
    }
    return { route, params };
  }
  return null;
}
