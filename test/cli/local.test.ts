// The commands that need no deployment: keys, config check, help, and the usage errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootCommand } from '../../cli/src/main';
import { generateKeySet } from '../../scripts/signing-keys.mjs';
import { gatehouse, root } from './support/cli';

type Jwks = { keys: { kid: string; alg: string; d?: string; x5c?: string[] }[] };

/** A project directory with the repository's wrangler.toml, a changed var or two, and a .dev.vars. */
function project(changes: Record<string, string> = {}, devVars?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-project-'));
  let toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  for (const [name, value] of Object.entries(changes))
    toml = toml.replace(new RegExp(`^${name} = .*$`, 'm'), `${name} = ${JSON.stringify(value)}`);
  writeFileSync(join(dir, 'wrangler.toml'), toml);
  if (devVars !== undefined) writeFileSync(join(dir, '.dev.vars'), devVars);
  return dir;
}

const goodDevVars = () => `ACCOUNT_TOKEN="acct_${'a'.repeat(40)}"\nSIGNING_KEYS='${generateKeySet(['ES256', 'RS256'])}'\n`;

describe('keys generate', () => {
  it('prints a SIGNING_KEYS value with an ES256 and an RS256 key by default', async () => {
    const run = await gatehouse(['keys', 'generate']);
    expect(run.code).toBe(0);
    const set = JSON.parse(run.stdout) as Jwks;
    expect(set.keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    expect(set.keys.every((key) => key.d && key.kid)).toBe(true);
    expect(set.keys[1]!.x5c).toHaveLength(1);
  });

  it('makes the algorithms --alg names, and refuses an unknown one with exit 2', async () => {
    const eddsa = await gatehouse(['keys', 'generate', '--alg', 'EdDSA']);
    expect((JSON.parse(eddsa.stdout) as Jwks).keys.map((key) => key.alg)).toEqual(['EdDSA']);
    const both = await gatehouse(['keys', 'generate', '--alg=ES256,EdDSA']);
    expect((JSON.parse(both.stdout) as Jwks).keys.map((key) => key.alg)).toEqual(['ES256', 'EdDSA']);
    const bad = await gatehouse(['keys', 'generate', '--alg', 'HS256']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('--alg: unknown algorithm "HS256"');
  });
});

describe('keys rotate', () => {
  it('puts a new key of each algorithm first and keeps the old ones (from SIGNING_KEYS in the environment)', async () => {
    const current = generateKeySet(['ES256', 'RS256']);
    const oldKids = (JSON.parse(current) as Jwks).keys.map((key) => key.kid);
    const run = await gatehouse(['keys', 'rotate'], { env: { SIGNING_KEYS: current } });
    expect(run.code).toBe(0);
    const rotated = JSON.parse(run.stdout) as Jwks;
    expect(rotated.keys.map((key) => key.alg)).toEqual(['ES256', 'RS256', 'ES256', 'RS256']);
    expect(rotated.keys.slice(2).map((key) => key.kid)).toEqual(oldKids);
    expect(oldKids).not.toContain(rotated.keys[0]!.kid);
    expect(run.stderr).toContain(`kept for verification: ${oldKids.join(', ')}`);
  });

  it('reads .dev.vars when the environment has no SIGNING_KEYS, and --alg picks the new key', async () => {
    const dir = project({}, goodDevVars());
    const run = await gatehouse(['keys', 'rotate', '--alg', 'EdDSA'], { cwd: dir });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Jwks).keys.map((key) => key.alg)).toEqual(['EdDSA', 'ES256', 'RS256']);
  });

  it('refuses a set the Worker would refuse (exit 1), and no set at all (exit 2)', async () => {
    const broken = await gatehouse(['keys', 'rotate'], { env: { SIGNING_KEYS: '{"keys":[{"kid":"a","alg":"ES256"}]}' } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('SIGNING_KEYS from the SIGNING_KEYS environment variable is not a key set the Worker accepts');
    const none = await gatehouse(['keys', 'rotate'], { cwd: project() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No current keys');
  });
});

describe('config check', () => {
  it('passes the repository wrangler.toml with a .dev.vars as npm run dev writes it', async () => {
    const run = await gatehouse(['config', 'check'], { cwd: project({}, goodDevVars()) });
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('Configuration OK');
  });

  it("names every broken var with the Worker's own messages and exits 1", async () => {
    const dir = project(
      { ACCESS_TOKEN_TTL_SECONDS: '5', MAIL_TRANSPORT: 'carrier-pigeon', GATEKEEPER_TOKEN_PROFILE: 'legacy' },
      `ACCOUNT_TOKEN="short"\n`,
    );
    const run = await gatehouse(['config', 'check', '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('4 problems in wrangler.toml [vars] and .dev.vars:');
    expect(run.stderr).toContain('ACCESS_TOKEN_TTL_SECONDS must be a whole number from 60 to 86400 (got "5")');
    expect(run.stderr).toContain('MAIL_TRANSPORT must be one of log, cloudflare, resend, webhook (got "carrier-pigeon")');
    expect(run.stderr).toContain('ACCOUNT_TOKEN must be at least 24 characters');
    expect(run.stderr).toContain('SIGNING_KEYS is not set');
    expect(run.stderr).not.toContain('short');
    const json = await gatehouse(['config', 'check', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { problems: { variable: string }[] }).problems.map((p) => p.variable)).toEqual([
      'ACCESS_TOKEN_TTL_SECONDS',
      'MAIL_TRANSPORT',
      'ACCOUNT_TOKEN',
      'SIGNING_KEYS',
    ]);
  });

  it('names the legacy profile that needs an RSA key the set lacks', async () => {
    const devVars = `ACCOUNT_TOKEN="acct_${'a'.repeat(40)}"\nSIGNING_KEYS='${generateKeySet(['ES256'])}'\n`;
    const run = await gatehouse(['config', 'check'], { cwd: project({ USER_SERVICE_TOKEN_PROFILE: 'legacy' }, devVars) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('USER_SERVICE_TOKEN_PROFILE is "legacy", which signs RS256, but SIGNING_KEYS holds no RS256 key');
  });

  it('exits 2 where there is no wrangler.toml', async () => {
    const run = await gatehouse(['config', 'check'], { cwd: tmpdir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No wrangler.toml in');
  });
});

describe('help and usage', () => {
  it('answers --help on every command with its usage, exit 0', async () => {
    const walk = async (command: ReturnType<typeof rootCommand>, names: string[]): Promise<string[][]> => {
      const subCommands = (await command.subCommands) as Record<string, ReturnType<typeof rootCommand>> | undefined;
      if (!subCommands) return [names];
      const nested = await Promise.all(Object.entries(subCommands).map(([name, sub]) => walk(sub, [...names, name])));
      return [names, ...nested.flat()];
    };
    const paths = await walk(rootCommand({} as never), []);
    expect(paths.length).toBeGreaterThan(25);
    for (const names of paths) {
      const run = await gatehouse([...names, '--help']);
      expect(run.code, names.join(' ')).toBe(0);
      expect(run.stdout, names.join(' ')).toContain(`USAGE gatehouse${names.length ? ` ${names.join(' ')}` : ''}`);
    }
  });

  it('refuses an unknown command, a missing command, an unknown flag and a missing argument with exit 2', async () => {
    const unknown = await gatehouse(['users', 'lst']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "lst" for "gatehouse users"');
    const missing = await gatehouse(['users']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('USAGE gatehouse users');
    const flag = await gatehouse(['ecosystems', 'list', '--token', 'secret']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Unknown flag --token for "gatehouse ecosystems list"');
    const argument = await gatehouse(['users', 'show'], { env: { GATEHOUSE_URL: 'http://localhost:1', GATEHOUSE_TOKEN: 'x' } });
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain('Missing required positional argument: ID');
  });
});
