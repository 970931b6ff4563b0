// GET /: what this service is and where to start, for a person or a client that found the host.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import packageJson from '../../../package.json';
import type { AppEnv } from '../../http/types';
import { operation, SECURITY, TAGS } from '../../openapi/describe';

export const service = new Hono<AppEnv>();

service.get(
  '/',
  describeRoute(
    operation(TAGS.edge, 'What this service is, and where to start', SECURITY.none, { 200: { description: 'Name, version, links' } }),
  ),
  (c) => {
    const { issuer } = c.env.deps;
    return c.json({
      name: 'Gatehouse',
      version: packageJson.version,
      links: {
        discovery: `${issuer}/.well-known/openid-configuration`,
        jwks: `${issuer}/.well-known/jwks.json`,
      },
    });
  },
);
