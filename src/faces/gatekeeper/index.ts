// Face 2: the SONATA Gatekeeper user and session API under /api/v2 (seed 002): users register,
// log in by username, hold several sessions, and manage their own profile; admins see everyone.
// Every route also answers with a trailing slash (app.ts strips it, as the original's '/?' did).
import { Hono } from 'hono';
import type { AppEnv } from '../../http/types';
import { gatekeeperRoot, microServices } from './service';
import { sessions } from './sessions';
import { users } from './users';

export const gatekeeperFace = new Hono<AppEnv>();
gatekeeperFace.route('/users', users);
gatekeeperFace.route('/sessions', sessions);
gatekeeperFace.route('/micro-services', microServices);

export { gatekeeperRoot };
