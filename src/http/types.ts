// The Hono environment every face shares: the request's core dependencies and its request id.
import type { BrowserSession } from '../core/browser-sessions';
import type { Deps } from '../core/deps';

interface AppBindings {
  deps: Deps;
  /** Per-client limiter for register, login and logout (the Workers rate-limiting binding). */
  rateLimiter: RateLimit | undefined;
}

interface AppVariables {
  requestId: string;
  /** Set by the gateway: the response is the origin's and keeps its own headers. */
  passThrough?: boolean;
  /** A CSRF token set on this answer (rotated at sign-in and sign-out), newer than the request's cookie. */
  csrfToken?: string;
  /** Set by the console's door (src/faces/console/access.ts): the admin's live browser session. */
  consoleAdmin?: BrowserSession;
}

export type AppEnv = { Bindings: AppBindings; Variables: AppVariables };
