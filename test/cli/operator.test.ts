// The ecosystem, environment, server-token and droplit user-token commands against the real Worker
// (workerd, migrated D1 and KV) on a free port: output as a table and as --json, and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, startService, type Service } from './support/cli';

let service: Service;
let env: Record<string, string>;

beforeAll(async () => {
  service = await startService();
  env = { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: service.token };
});

afterAll(async () => {
  await service?.stop();
});

const json = <T>(text: string) => JSON.parse(text) as T;

async function newEcosystem(name: string): Promise<string> {
  const run = await gatehouse(['ecosystems', 'create', '--name', name, '--json'], { env });
  expect(run.code).toBe(0);
  return json<{ id: string }>(run.stdout).id;
}

describe('ecosystems, environments, server tokens', () => {
  it('creates and lists ecosystems as a table and as JSON', async () => {
    const created = await gatehouse(['ecosystems', 'create', '--name', 'cli-shop'], { env });
    expect(created.code).toBe(0);
    const id = /^id\s+(\S+)$/m.exec(created.stdout)![1]!;
    expect(created.stdout).toMatch(/^name\s+cli-shop$/m);
    const table = await gatehouse(['ecosystems', 'list'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATEDAT$/);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+cli-shop\\s+\\d{4}-`, 'm'));
    const list = await gatehouse(['ecosystems', 'list', '--json'], { env });
    expect(json<{ id: string; name: string }[]>(list.stdout)).toContainEqual(expect.objectContaining({ id, name: 'cli-shop' }));
  });

  it("creates an environment, and names the server's 404 for an unknown ecosystem (exit 1)", async () => {
    const eco = await newEcosystem('cli-envs');
    const created = await gatehouse(['environments', 'create', eco, '--name', 'home', '--json'], { env });
    expect(created.code).toBe(0);
    expect(json(created.stdout)).toMatchObject({ ecosystemId: eco, name: 'home' });
    const missing = await gatehouse(['environments', 'create', 'no-such-eco'], { env });
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(
      /POST \/admin\/v1\/ecosystems\/no-such-eco\/environments: the server answered 404: ECOSYSTEM_NOT_FOUND: /,
    );
  });

  it("creates a server token that droplit's route takes, and revokes it", async () => {
    const eco = await newEcosystem('cli-tokens');
    expect((await service.call('PUT', `/api/users/${eco};auth0%7Cann`, { email: 'ann@cli.test' })).status).toBe(201);
    const created = json<{ id: string; token: string }>(
      (await gatehouse(['server-tokens', 'create', eco, '--name', 'backend', '--json'], { env })).stdout,
    );
    const serverEnv = { GATEHOUSE_URL: service.url, GATEHOUSE_SERVER_TOKEN: created.token };
    const issued = await gatehouse(['user', 'create-token', `${eco};auth0|ann`], { env: serverEnv });
    expect(issued.code).toBe(0);
    expect(issued.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const revoked = await gatehouse(['server-tokens', 'revoke', created.id], { env });
    expect(revoked.code).toBe(0);
    const refused = await gatehouse(['user', 'create-token', `${eco};auth0|ann`], { env: serverEnv });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the server answered 401');
    expect(refused.stderr).toContain('(check GATEHOUSE_SERVER_TOKEN)');
    expect(refused.stderr).not.toContain(created.token);
  });
});

describe('user create-token (droplit Console)', () => {
  it('issues each expiry type with the account token when no server token is set', async () => {
    const eco = await newEcosystem('cli-droplit');
    await service.call('PUT', `/api/users/${eco};u1`, {});
    for (const type of ['FixedTtl', 'SlidingTtl', 'Infinite']) {
      const run = await gatehouse(['user', 'create-token', `${eco};u1`, '--expiry-type', type, '--ttl', '900', '--json'], { env });
      expect(run.code, type).toBe(0);
      const { token } = json<{ token: string }>(run.stdout);
      const verify = await fetch(`${service.url}/auth/verify?ecosystem=${eco}`, { headers: { authorization: `Bearer ${token}` } });
      expect(verify.status, type).toBe(200);
    }
  });

  it("refuses a malformed user or ttl with exit 2, and shows the face's 404 for an unknown user with exit 1", async () => {
    const eco = await newEcosystem('cli-droplit-errors');
    const noSemicolon = await gatehouse(['user', 'create-token', 'just-a-user'], { env });
    expect(noSemicolon.code).toBe(2);
    expect(noSemicolon.stderr).toContain('USER must be ECOSYSTEM-ID;USER-ID');
    const ttl = await gatehouse(['user', 'create-token', `${eco};u1`, '--ttl', 'soon'], { env });
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain('--ttl must be a whole number');
    const type = await gatehouse(['user', 'create-token', `${eco};u1`, '--expiry-type', 'Forever'], { env });
    expect(type.code).toBe(2);
    const unknown = await gatehouse(['user', 'create-token', `${eco};nobody`], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the server answered 404: NotFound: userId User Not Found');
  });
});
