#!/usr/bin/env node
// `npm run dev`: on first run writes .dev.vars with a fresh ACCOUNT_TOKEN and signing key set
// (the account token is printed once), checks the configuration wrangler will pass (the Worker's
// own start-up check, scripts/check-config.ts: a bad var stops here, named), applies the
// migrations to the local D1, then starts `wrangler dev` on port 8787 and, once it answers, prints
// a short banner (the URL, its health, how to get the account token; never the token itself,
// since dev output often ends up in logs). Arguments after `--` go to `wrangler dev` (--port, --ip, --var).
// The key set holds an ES256 key (today's tokens) and an RSA key with its certificate, so the
// legacy token profiles work locally too (`-- --var GATEKEEPER_TOKEN_PROFILE:legacy`). Set
// SIGNING_ALG=EdDSA before the first run for an Ed25519 key instead of ES256.
// Links in mail point at http://localhost:<port> (PUBLIC_URL) unless `--var PUBLIC_URL:...` is passed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  const mfaKey = randomBytes(32).toString('base64');
  const idpSecretKey = randomBytes(32).toString('base64url');
  writeFileSync(
    varsFile,
    `ACCOUNT_TOKEN="${accountToken}"\nSIGNING_KEYS='${signingKeys}'\nMFA_ENCRYPTION_KEY="${mfaKey}"\nIDP_SECRET_KEY="${idpSecretKey}"\n`,
    {
      mode: 0o600,
    },
  );
  console.log('Wrote .dev.vars with a new signing key and account token (shown only this once):');
  console.log(`\n  ACCOUNT_TOKEN=${accountToken}\n`);
}

function run(args, options = {}) {
  const result = spawnSync(wrangler, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true' }, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const passed = process.argv.slice(2);
const flagValue = (flag) => {
  const at = passed.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (at < 0) return undefined;
  return passed[at].includes('=') ? passed[at].slice(flag.length + 1) : passed[at + 1];
};
const port = flagValue('--port') ?? '8787';
const ip = flagValue('--ip');
const host = !ip || ip === '0.0.0.0' || ip === '::' ? 'localhost' : ip.includes(':') ? `[${ip}]` : ip;
const base = `http://${host}:${port}`;
const publicUrlGiven = passed.some(
  (arg, i) => (arg === '--var' && passed[i + 1]?.startsWith('PUBLIC_URL:')) || arg.startsWith('--var=PUBLIC_URL:'),
);
const args = [
  'dev',
  ...(flagValue('--port') === undefined ? ['--port', port] : []),
  ...passed,
  // Last, because yargs lets an array option swallow the words after it.
  ...(publicUrlGiven ? [] : ['--var', `PUBLIC_URL:http://localhost:${port}`]),
];

if (!existsSync(varsFile)) await writeDevVars();
// A .dev.vars from before identity providers: add the key that seals their client secrets.
else if (!/^IDP_SECRET_KEY=/m.test(readFileSync(varsFile, 'utf8'))) {
  appendFileSync(varsFile, `IDP_SECRET_KEY="${randomBytes(32).toString('base64url')}"\n`);
}
checkConfig(args.slice(1));
run(['d1', 'migrations', 'apply', 'DB', '--local']);
const child = spawn(wrangler, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
bannerWhenReady();

/** The Worker's own start-up check on the vars wrangler dev will pass; exits naming the bad variable. */
function checkConfig(devArgs) {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, [join(root, 'scripts', 'check-config.ts'), ...devArgs], { cwd: root, stdio: 'inherit' });
  if (result.error) console.error(`Could not run the configuration check (${result.error.message}): run npm install first.`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Once the Worker answers /healthz, repeats what wrangler's output pushed off screen. */
async function bannerWhenReady() {
  for (let tries = 0; tries < 600 && child.exitCode === null; tries++) {
    try {
      const response = await fetch(`${base}/healthz`);
      const body = await response.json().catch(() => ({}));
      const health = response.ok
        ? `ok, migrations up to ${body.migrations}`
        : (body.error?.message ?? `${response.status} ${JSON.stringify(body)}`);
      console.log(
        [
          '',
          `  Gatehouse is up on ${base}  (health: ${health})`,
          "  The operator's account token (kept in .dev.vars):  export ACCOUNT_TOKEN=$(npm run -s account-token)",
          `  Try:  curl -s ${base}/.well-known/openid-configuration`,
          '',
        ].join('\n'),
      );
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
