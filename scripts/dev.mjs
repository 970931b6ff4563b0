#!/usr/bin/env node
// `npm run dev`: on first run writes .dev.vars with a fresh ACCOUNT_TOKEN and signing key set
// (the account token is printed once), applies the migrations to the local D1, then starts
// `wrangler dev` on port 8787. Arguments after `--` go to `wrangler dev` (--port, --ip, --var).
// The key set holds an ES256 key (today's tokens) and an RSA key with its certificate, so the
// legacy token profiles work locally too (`-- --var GATEKEEPER_TOKEN_PROFILE:legacy`). Set
// SIGNING_ALG=EdDSA before the first run for an Ed25519 key instead of ES256.
// Links in mail point at http://localhost:<port> (PUBLIC_URL) unless `--var PUBLIC_URL:...` is passed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeySet } from './signing-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const varsFile = join(root, '.dev.vars');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');

async function writeDevVars() {
  const alg = process.env.SIGNING_ALG === 'EdDSA' ? 'EdDSA' : 'ES256';
  const accountToken = `acct_${randomBytes(32).toString('base64url')}`;
  const signingKeys = generateKeySet([alg, 'RS256']);
  writeFileSync(varsFile, `ACCOUNT_TOKEN="${accountToken}"\nSIGNING_KEYS='${signingKeys}'\n`, { mode: 0o600 });
  console.log('Wrote .dev.vars with a new signing key and account token (shown only this once):');
  console.log(`\n  ACCOUNT_TOKEN=${accountToken}\n`);
}

function run(args, options = {}) {
  const result = spawnSync(wrangler, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true' }, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(varsFile)) await writeDevVars();
run(['d1', 'migrations', 'apply', 'DB', '--local']);
const passed = process.argv.slice(2);
const portArg = passed.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
const port = portArg < 0 ? '8787' : passed[portArg].includes('=') ? passed[portArg].split('=')[1] : passed[portArg + 1];
const publicUrlGiven = passed.some((arg, i) => (arg === '--var' && passed[i + 1]?.startsWith('PUBLIC_URL:')) || arg.startsWith('--var=PUBLIC_URL:'));
const args = [
  'dev',
  ...(portArg < 0 ? ['--port', port] : []),
  ...passed,
  // Last, because yargs lets an array option swallow the words after it.
  ...(publicUrlGiven ? [] : ['--var', `PUBLIC_URL:http://localhost:${port}`]),
];
const child = spawn(wrangler, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
