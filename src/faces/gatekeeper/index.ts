// Face 2: the SONATA Gatekeeper user and session API under /api/v2 (seed 002).
import { Hono } from 'hono';
import { messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import type { AppEnv } from '../../http/types';

export const gatekeeperFace = new Hono<AppEnv>();

export const renderGatekeeperError: ErrorRenderer = (c, error) =>
  c.json({ error: { code: STATUS_OF[error.code], message: messageOf(error) } }, STATUS_OF[error.code]);
