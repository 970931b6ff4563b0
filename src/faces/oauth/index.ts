// OAuth 2.0 endpoints under /oauth (RFC 6749, 7009, 7662) and OIDC userinfo.
import { Hono } from 'hono';
import { messageOf, STATUS_OF, type ErrorRenderer } from '../../http/errors';
import type { AppEnv } from '../../http/types';

export const oauthFace = new Hono<AppEnv>();

export const renderOAuthError: ErrorRenderer = (c, error) =>
  c.json({ error: 'invalid_request', error_description: messageOf(error) }, STATUS_OF[error.code] === 401 ? 401 : 400);
