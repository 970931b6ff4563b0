// Face 1: the droplit-style Users API under /api (seeds 000, 001). Routes in routes.ts, request
// schemas in schemas.ts, the user's shape in shapes.ts, the error body in errors.ts.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/types';
import { routes } from './routes';

export const droplitFace = new Hono<AppEnv>();
droplitFace.route('/', routes);
