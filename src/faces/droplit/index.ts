// Face 1: the droplit-style Users API under /api (seeds 000, 001).
import { Hono } from 'hono';
import { messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import type { AppEnv } from '../../http/types';

export const droplitFace = new Hono<AppEnv>();

export const renderDroplitError: ErrorRenderer = (c, error) =>
  c.json({ errorType: 'Error', errors: [{ in: 'request', path: '', message: messageOf(error) }] }, STATUS_OF[error.code]);
