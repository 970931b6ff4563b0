// Builds the Worker as `wrangler deploy` would (--dry-run --outdir) and runs it in miniflare
// (workerd, local D1 and KV) with the migrations applied, reached on a direct socket that skips
// miniflare's own entry worker. Also builds the password-only worker used to time the hash alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { childPids } from './proc.mjs';

const COMPATIBILITY_DATE = '2026-07-01';
const COMPATIBILITY_FLAGS = ['nodejs_compat'];

export function buildWorker(root, outdir) {
  mkdirSync(outdir, { recursive: true });
  const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
  const result = spawnSync(wrangler, ['deploy', '--dry-run', '--outdir', outdir], {
    cwd: root,
    encoding: 'utf8',
    // The project's own node (a devDependency) first: wrangler needs a newer one than some systems have.
    env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stderr || result.stdout}`);
  return join(outdir, 'index.js');
}

export async function buildPasswordWorker(root, outdir) {
  const outfile = join(outdir, 'password-worker.js');
  await build({
    entryPoints: [join(root, 'bench', 'password-worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external: ['node:*'],
    logLevel: 'error',
  });
  return outfile;
}

/** Starts workerd through miniflare; returns it with the direct URL and workerd's pid. */
export async function startWorker(scriptPath, bindings, extra = {}) {
  const before = new Set(childPids('workerd'));
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings,
    // wrangler's default rule: a `.txt` module (the /docs bundle) is imported as its text.
    modulesRules: [{ type: 'Text', include: ['**/*.txt'] }],
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
    ...extra,
  });
  try {
    await mf.ready;
  } catch (error) {
    // A runtime that failed to start is still a process of ours: end it before reporting.
    await mf.dispose().catch(() => {});
    throw error;
  }
  const url = await mf.unsafeGetDirectURL();
  const pids = childPids('workerd').filter((pid) => !before.has(pid));
  if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
  return { mf, url: url.origin, pid: pids[0] };
}

/**
 * Applies migrations/*.sql in order, one statement at a time as drizzle-kit splits them, and records
 * each in `d1_migrations` as `wrangler d1 migrations apply` does (the health check reads the newest).
 */
export async function applyMigrations(mf, root) {
  const db = await mf.getD1Database('DB');
  const dir = join(root, 'migrations');
  await db
    .prepare(
      'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    )
    .run();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement.replace(/^--.*$/gm, '').trim() !== '');
    for (const statement of statements) await db.prepare(statement).run();
    await db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file).run();
  }
}
