// Face 3: the User Service under /v<N>/users (seed 003), for any version segment (v1, v2, ...).
import { Hono } from 'hono';
import type { AppEnv } from '../../http/types';
import { currentRoutes, routes } from './routes';

export const userServiceFace = new Hono<AppEnv>();
userServiceFace.route('/:version{v[0-9]+}/users/current', currentRoutes);
userServiceFace.route('/:version{v[0-9]+}/users', routes);
