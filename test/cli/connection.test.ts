// Where the CLI connects and with what: --url over GATEHOUSE_URL over the config file; the account
// token from GATEHOUSE_TOKEN or the config file, which is refused unless mode 600; and what a bad
// URL, an unreachable deployment and a wrong token print. Also the real bin, spawned through tsx.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, spawnGatehouse, startService, type Service } from './support/cli';

let service: Service;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

/** A home directory with ~/.config/gatehouse/config.json holding `content`, at `mode`. */
function homeWithConfig(content: unknown, mode: number): { home: string; path: string } {
  const home = mkdtempSync(join(tmpdir(), 'gatehouse-cli-home-'));
  mkdirSync(join(home, '.config', 'gatehouse'), { recursive: true });
  const path = join(home, '.config', 'gatehouse', 'config.json');
  writeFileSync(path, JSON.stringify(content));
  chmodSync(path, mode);
  return { home, path };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the deployment', () => {
  it('takes --url over GATEHOUSE_URL', async () => {
    const run = await gatehouse(['ecosystems', 'list', '--url', service.url], {
      env: { GATEHOUSE_URL: 'http://127.0.0.1:1', GATEHOUSE_TOKEN: service.token },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^default\s/m);
  });

  it('exits 2 naming the flag or var when the URL is not one, or none is given', async () => {
    const flag = await gatehouse(['ecosystems', 'list', '--url', 'gatehouse.example'], { env: { GATEHOUSE_TOKEN: service.token } });
    expect(flag).toMatchObject({ code: 2, stdout: '' });
    expect(flag.stderr).toContain('--url is not a URL (got "gatehouse.example")');
    const variable = await gatehouse(['ecosystems', 'list'], {
      env: { GATEHOUSE_URL: 'ftp://example.com', GATEHOUSE_TOKEN: service.token },
    });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('GATEHOUSE_URL must be an http(s) URL (got "ftp://example.com")');
    const none = await gatehouse(['ecosystems', 'list'], { env: { GATEHOUSE_TOKEN: service.token } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No deployment given: pass --url https://... or set GATEHOUSE_URL.');
  });

  it('exits 1 when nothing answers at the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await gatehouse(['ecosystems', 'list', '--url', url], { env: { GATEHOUSE_TOKEN: service.token } });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain(`Could not reach ${url} (ECONNREFUSED)`);
  });
});

describe('the account token', () => {
  it("exits 1 on a wrong token with the server's answer, never printing the token", async () => {
    const wrong = `acct_${'z'.repeat(40)}`;
    const run = await gatehouse(['users', 'list'], { env: { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: wrong } });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('GET /admin/v1/users: the server answered 401: UNAUTHENTICATED:');
    expect(run.stderr).toContain('(check GATEHOUSE_TOKEN)');
    expect(run.stderr).not.toContain(wrong);
  });

  it('exits 2 without a token, naming where one goes', async () => {
    const run = await gatehouse(['ecosystems', 'list', '--url', service.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /No account token: set GATEHOUSE_TOKEN, or put \{"token": "..."\} in .*\.config\/gatehouse\/config\.json \(mode 600\)\./,
    );
  });

  it('reads the URL and token from a config file of mode 600', async () => {
    const { home } = homeWithConfig({ url: service.url, token: service.token }, 0o600);
    const run = await gatehouse(['ecosystems', 'list', '--json'], { home });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toContainEqual(expect.objectContaining({ id: 'default' }));
    const elsewhere = homeWithConfig({ url: service.url, token: service.token }, 0o600);
    const byVar = await gatehouse(['ecosystems', 'list'], { env: { GATEHOUSE_CONFIG: elsewhere.path } });
    expect(byVar.code).toBe(0);
  });

  it('refuses a config file of mode 644 with exit 2, never reading the token from it', async () => {
    const { home, path } = homeWithConfig({ url: service.url, token: service.token }, 0o644);
    const run = await gatehouse(['ecosystems', 'list'], { home });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`${path} has mode 644: it holds the account token, so only its owner may read it.`);
    expect(run.stderr).toContain(`chmod 600 ${path}`);
    expect(run.stderr).not.toContain(service.token);
  });
});

describe('the bin (node cli/bin/gatehouse.mjs, through tsx)', () => {
  it('runs a command against the deployment and exits 0, and exits 2 on a bad URL', async () => {
    const ok = await spawnGatehouse(['ecosystems', 'list', '--json'], { GATEHOUSE_URL: service.url, GATEHOUSE_TOKEN: service.token });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toContainEqual(expect.objectContaining({ id: 'default' }));
    const bad = await spawnGatehouse(['ecosystems', 'list', '--url', 'not a url'], { GATEHOUSE_TOKEN: service.token });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--url is not a URL');
  });
});

describe('the CLI has no HTTP code of its own', () => {
  it('names no route and sends no request: every call goes through @gatehouse/client', () => {
    const root = join(import.meta.dirname, '..', '..', 'cli', 'src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const code = readFileSync(join(root, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/['"`]\/(admin|api|oauth|v\d+)\//);
      expect(code, file).not.toMatch(/\b(method|headers|authorization)\s*:/i);
      // The one fetch: the Io's, handed to the typed client.
      expect(code.match(/fetch\(/g)?.length ?? 0, file).toBe(file === 'api.ts' ? 1 : 0);
    }
  });
});
