// Which gateway route a request path belongs to, decided on the raw (still percent-encoded) path
// so that an encoded "/", "\" or dot-segment can never move a request under another prefix: the
// URL parser has already resolved literal "..", and a path under a prefix that still holds one of
// those after decoding once or twice, a dot-segment with ";" parameters (`..;`, which Tomcat,
// Jetty and Spring resolve), or a non-ASCII look-alike of a dot or slash is refused, not forwarded.
import { AppError } from '../core/errors';
import type { GatewayRoute } from '../config/gateway-routes';

export interface RouteMatch {
  route: GatewayRoute;
  /** Decoded values of the prefix's placeholders, keyed with their colon (":environmentId"). */
  params: Record<string, string>;
}

/** A segment decoded once, or null when its percent-encoding is malformed. */
function decodeSegment(segment: string): string | null {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Dots that NFKC leaves alone but some servers or libraries still read as "." (ideographic
 * full stops); NFKC maps the rest (full-width U+FF0E, one-dot leader U+2024, small U+FE52). */
const OTHER_DOTS = /[\u3002\uff61]/;
/** A non-ASCII character, checked one by one for what NFKC turns it into. */
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/gu;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[/\\\u0000-\u001f\u007f]/;

/** Whether a non-ASCII character could stand for a dot, a slash or a backslash somewhere. */
function isLookAlike(character: string): boolean {
  return OTHER_DOTS.test(character) || /[./\\]/.test(character.normalize('NFKC'));
}

/** Whether one decoding of a segment is safe: no slash, backslash, control character or look-alike
 * of one, and not a dot-segment, also with `;` parameters (`..;`, `.;x`, as Tomcat reads it). */
function isSafeDecoding(decoded: string): boolean {
  if (FORBIDDEN_CHARACTERS.test(decoded)) return false;
  if ((decoded.match(NON_ASCII) ?? []).some(isLookAlike)) return false;
  const name = decoded.split(';')[0]!;
  return name !== '.' && name !== '..';
}

/** A raw segment is safe when its once- and twice-decoded forms both are (an origin or a framework
 * behind it may decode again: `%252e%252e` is `..` to it). */
function isSafeSegment(raw: string): boolean {
  const once = decodeSegment(raw);
  if (once === null || !isSafeDecoding(once)) return false;
  const twice = decodeSegment(once);
  return twice === null || isSafeDecoding(twice);
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
 * The path as lenient servers read it: `;` parameters dropped (Tomcat, Jetty, Spring), empty
 * segments merged (`//`, as nginx and Tomcat do) and letters folded (case-insensitive routers).
 * The last segment stays even when empty, so `/app/admin/` still reaches past `/app/admin/`.
 */
function lenientSegments(decoded: (string | null)[]): (string | null)[] {
  return decoded
    .filter((segment, i) => segment !== '' || i === decoded.length - 1)
    .map((segment) => (segment === null ? null : segment.split(';')[0]!.toLowerCase()));
}

function matchesLeniently(route: GatewayRoute, lenient: (string | null)[]): boolean {
  if (lenient.length <= route.segments.length) return false;
  return route.segments.every((segment, i) => {
    const part = lenient[i];
    return !!part && (segment.startsWith(':') || segment.toLowerCase() === part);
  });
}

function refuse(reason: string): never {
  throw new AppError('INVALID_FIELD', { field: 'path', reason });
}

/**
 * The most specific route whose prefix holds the raw path, or null. A path under a prefix with a
 * malformed escape, an encoded slash or backslash, a non-ASCII dot, or a dot-segment (decoded once
 * or twice, `..;` included) in any segment is refused (400); so is a path that a more specific
 * route's prefix would hold once `;` parameters, empty segments and letter case are read as a
 * lenient origin reads them (`/app/ADMIN;x//secret` beside `/app/admin/`).
 */
export function matchGatewayRoute(routes: GatewayRoute[], rawPath: string): RouteMatch | null {
  if (routes.length === 0) return null;
  const raw = rawPath.split('/').slice(1);
  const decoded = raw.map(decodeSegment);
  for (const [index, route] of routes.entries()) {
    const params = matchPrefix(route, decoded);
    if (!params) continue;
    if (rawPath.includes('\\') || !raw.every(isSafeSegment)) {
      refuse(
        'must not hold encoded slashes or backslashes, control characters, non-ASCII dots, or dot-segments (decoded once or twice, with or without ";" parameters)',
      );
    }
    const lenient = lenientSegments(decoded);
    if (routes.slice(0, index).some((specific) => matchesLeniently(specific, lenient))) {
      refuse('must not reach a more specific route through ";" parameters, empty segments or letter case');
    }
    return { route, params };
  }
  return null;
}
