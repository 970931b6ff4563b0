// Runs the CLI for a test: in-process through main() with its own environment and captured
// output (fast), or as `node cli/bin/gatehouse.mjs` (the real bin, through tsx) for a few checks.
// Starts the built Worker in workerd on a free port, migrated, with fresh secrets.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { applyMigrations, startWorker } from '../../../bench/lib/harness.mjs';
import { main } from '../../../cli/src/main';
import type { Io } from '../../../cli/src/io';
import { generateKeySet } from '../../../scripts/signing-keys.mjs';

export const root = process.cwd();

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  /** Pretend stderr is a terminal (the progress line). */
  tty?: boolean;
}

let home: string | undefined;
/** A home directory with no config file, so a developer's own never leaks into a test. */
export const emptyHome = () => (home ??= mkdtempSync(join(tmpdir(), 'gatehouse-cli-home-')));

export async function gatehouse(argv: string[], options: RunOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    env: { ...options.env },
    cwd: options.cwd ?? root,
    home: options.home ?? emptyHome(),
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    fetch: globalThis.fetch,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The real bin as a child process (the project's node and tsx), with only the given environment. */
export function spawnGatehouse(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const bin = join(root, 'cli', 'bin', 'gatehouse.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...argv],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: emptyHome(), ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

export interface Service {
  url: string;
  token: string;
  /** A call straight to the Worker, as the account (to set up what the CLI has no command for). */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** The Worker, with fresh secrets and cheap hashing; `vars` adds or overrides vars. */
export async function startService(vars: Record<string, string> = {}): Promise<Service> {
  const token = `acct_${randomBytes(24).toString('base64url')}`;
  const bindings = {
    ACCOUNT_TOKEN: token,
    SIGNING_KEYS: generateKeySet(['ES256']),
    PASSWORD_HASH: 'scrypt:ln=10,r=8,p=1',
    PUBLIC_URL: 'https://gatehouse.test',
    ...vars,
  };
  const script = inject('workerScript');
  // The build is in a temporary directory: miniflare reads modules relative to modulesRoot only.
  const worker = await startWorker(script, bindings, { d1Databases: ['DB'], kvNamespaces: ['TOKENS'], modulesRoot: dirname(script) });
  await applyMigrations(worker.mf, root);
  return {
    url: worker.url,
    token,
    call: (method, path, body) =>
      fetch(worker.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    stop: () => worker.mf.dispose(),
  };
}
