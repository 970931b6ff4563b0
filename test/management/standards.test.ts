import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { json, newClient } from '../support/driver';

describe('the standards routes', () => {
  it('publishes the signing keys as a JWKS without their private parts', async () => {
    const client = newClient();
    const response = await client.get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kid: 'test-es256-1', alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256' });
    expect(body.keys[0].d).toBeUndefined();
  });

  it('answers GET / with the service name, its version and where to start', async () => {
    const response = await newClient().get('/');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      name: 'Gatehouse',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      links: {
        discovery: 'https://gatehouse.test/.well-known/openid-configuration',
        jwks: 'https://gatehouse.test/.well-known/jwks.json',
      },
    });
  });

  it('serves the JWKS through the real Worker entry too', async () => {
    const response = await exports.default.fetch('https://gatehouse.test/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes the service in the OpenID discovery document', async () => {
    const client = newClient();
    const body = await json(await client.get('/.well-known/openid-configuration'));
    expect(body).toMatchObject({
      issuer: 'https://gatehouse.test',
      jwks_uri: 'https://gatehouse.test/.well-known/jwks.json',
      token_endpoint: 'https://gatehouse.test/oauth/token',
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'password',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_endpoint: 'https://gatehouse.test/oauth/authorize',
      end_session_endpoint: 'https://gatehouse.test/oauth/logout',
      authorization_response_iss_parameter_supported: true,
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });
});
