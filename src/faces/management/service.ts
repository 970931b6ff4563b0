// GET /: what this service is and where to start, for a person or a client that found the host.
import { Hono } from 'hono';
import packageJson from '../../../package.json';
import type { AppEnv } from '../../http/types';

export const service = new Hono<AppEnv>();

service.get('/', (c) => {
  const { issuer } = c.env.deps;
  return c.json({
    name: 'Gatehouse',
    version: packageJson.version,
    links: {
      discovery: `${issuer}/.well-known/openid-configuration`,
      jwks: `${issuer}/.well-known/jwks.json`,
    },
  });
});
