// The identity-provider commands against the real Worker: add a provider (its secret from the
// environment, never an argument), see the redirect URI to register upstream, list and remove it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, startService, type Service } from './support/cli';

let service: Service;
let env: Record<string, string>;

beforeAll(async () => {
  service = await startService({ IDP_SECRET_KEY: `idp_${randomBytes(32).toString('base64url')}` });
  env = { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: service.token };
});

afterAll(async () => {
  await service?.stop();
});

describe('gatehouse identity-providers', () => {
  it('creates a provider with the secret from the environment, lists it with its redirect URI, and deletes it', async () => {
    const secret = `upstream-${randomBytes(8).toString('hex')}`;
    const args = ['identity-providers', 'create', 'corp', '--kind', 'oidc', '--name', 'Corp SSO', '--client-id', 'gh-app'];
    const missing = await gatehouse([...args, '--issuer', 'http://127.0.0.1:9'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('GATEHOUSE_IDP_CLIENT_SECRET');
    const created = await gatehouse([...args, '--issuer', 'http://127.0.0.1:9', '--scopes', 'openid,email', '--json'], {
      env: { ...env, GATEHOUSE_IDP_CLIENT_SECRET: secret },
    });
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      id: 'corp',
      kind: 'oidc',
      scopes: ['openid', 'email'],
      redirectUri: 'https://gatehouse.test/signin/callback/corp',
    });
    expect(created.stdout + created.stderr).not.toContain(secret);

    const table = await gatehouse(['identity-providers', 'list'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^corp\s+Corp SSO\s+oidc\s+/m);
    expect(table.stdout).not.toContain(secret);
    // The server's refusal in its words: an http issuer off loopback.
    const refused = await gatehouse(
      ['identity-providers', 'create', 'other', '--kind', 'oidc', '--name', 'X', '--client-id', 'x', '--issuer', 'http://sso.example'],
      {
        env: { ...env, GATEHOUSE_IDP_CLIENT_SECRET: secret },
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/issuer/);

    expect((await gatehouse(['identity-providers', 'delete', 'corp'], { env })).code).toBe(0);
    const gone = await gatehouse(['identity-providers', 'list', '--json'], { env });
    expect(JSON.parse(gone.stdout)).toEqual([]);
  });
});
