// A face as the rest of the service sees it: one record (src/faces/<face>/face.ts) holding the
// paths it answers, how it renders an error, how /openapi.json names it and its error body, and
// whether a person in a browser reads it. The app's error handling, the gateway's reserved-path
// check (src/startup.ts) and the OpenAPI document all read the records (src/faces/index.ts), so a
// new top-level path is one more entry in one record.
import type { z } from 'zod';
import type { ErrorRenderer } from './errors';

export interface Face {
  name: string;
  /**
   * The path prefixes the face answers, by whole segments: `/api` holds `/api` and `/api/x`, not
   * `/apix`. `v<N>` stands for any version segment (`v1`, `v12`). `/` holds every path no other
   * face holds: its face renders the errors of unknown paths. The most specific prefix wins.
   */
  paths: readonly string[];
  /** Whether its answers are pages a person reads: `true` for every route, or the routes that are. */
  browser: boolean | readonly string[];
  /** The face's own error dialect (a browser route's errors are the error page instead). */
  renderError: ErrorRenderer;
  /** The OpenAPI tags its routes use, with what each says. */
  tags: readonly { name: string; description: string }[];
  /** The one body of its JSON errors, a components schema of /openapi.json (none for pages). */
  errorBody?: { name: string; schema: z.ZodType };
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function segmentMatches(pattern: string, segment: string, ignoreCase = false): boolean {
  if (pattern === 'v<N>') return (ignoreCase ? /^v\d+$/i : /^v\d+$/).test(segment);
  return ignoreCase ? pattern.toLowerCase() === segment.toLowerCase() : pattern === segment;
}

/** How many segments of `path` the prefix holds, or -1 when it does not hold the path. */
function heldBy(prefix: string, path: string): number {
  const wanted = segmentsOf(prefix);
  const parts = path.split('/').slice(1);
  if (parts.length < wanted.length) return -1;
  return wanted.every((pattern, i) => segmentMatches(pattern, parts[i]!)) ? wanted.length : -1;
}

/** The face a request path belongs to: the one with the most specific prefix holding it. */
export function faceOf(faces: readonly Face[], path: string): Face {
  let best: { face: Face; depth: number } | undefined;
  for (const face of faces) {
    for (const prefix of face.paths) {
      const depth = heldBy(prefix, path);
      if (depth >= 0 && (!best || depth > best.depth)) best = { face, depth };
    }
  }
  if (!best) throw new Error(`no face holds ${path}: one face must hold "/"`);
  return best.face;
}

/** Whether the route at `path` answers a person in a browser (a trailing slash aside). */
export function servesBrowser(face: Face, path: string): boolean {
  if (typeof face.browser === 'boolean') return face.browser;
  const route = path.length > 1 ? path.replace(/\/$/, '') : path;
  return face.browser.includes(route);
}

/** The first segments the faces answer (`/` aside): a gateway route may not start with one. */
export function ownedFirstSegments(faces: readonly Face[]): string[] {
  const first = faces.flatMap((face) => face.paths.map((path) => segmentsOf(path)[0])).filter((segment) => segment !== undefined);
  return [...new Set(first)];
}

/** Whether a first path segment is one a face answers, in any letter case (case-insensitive routers exist). */
export function isOwnedFirstSegment(faces: readonly Face[], segment: string): boolean {
  return ownedFirstSegments(faces).some((pattern) => segmentMatches(pattern, segment, true));
}
