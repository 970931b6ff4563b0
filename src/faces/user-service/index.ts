// Face 3: the User Service under /v<N>/users (seed 003).
import { Hono } from 'hono';
import { messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import type { AppEnv } from '../../http/types';

export const userServiceFace = new Hono<AppEnv>();

export const renderUserServiceError: ErrorRenderer = (c, error) =>
  c.json({ error: messageOf(error) }, STATUS_OF[error.code]);
