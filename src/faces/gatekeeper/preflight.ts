// OPTIONS on the Gatekeeper's collections: 200 with an empty body and the methods the route
// takes, as the original answered; the shared CORS middleware adds the origin and headers.
import type { Handler } from 'hono';
import type { AppEnv } from '../../http/types';

export function preflight(methods: string[]): Handler<AppEnv> {
  const allowed = methods.join(', ');
  return function answerPreflight(c) {
    return c.body(null, 200, { 'Access-Control-Allow-Methods': allowed, Allow: allowed });
  };
}
