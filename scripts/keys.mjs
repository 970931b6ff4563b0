#!/usr/bin/env node
// `npm run --silent keys`: prints a new SIGNING_KEYS value (a JWK set of private keys) and
// nothing else, ready for `wrangler secret put SIGNING_KEYS`. By default an ES256 key (today's
// tokens) and an RSA-2048 key with a self-signed certificate (the legacy token profiles);
// `--alg ES256|EdDSA|RS256` (repeatable) picks the keys, in that order.
import { generateKeySet, keyAlgorithms } from './signing-keys.mjs';

const USAGE = `usage: npm run --silent keys [-- --alg ES256|EdDSA|RS256 ...]
Prints a SIGNING_KEYS value. Default: --alg ES256 --alg RS256.
  npm run --silent keys | npx wrangler secret put SIGNING_KEYS`;

function algorithmsOf(args) {
  const algorithms = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = arg === '--alg' ? args[++index] : arg.startsWith('--alg=') ? arg.slice('--alg='.length) : undefined;
    if (value === undefined) {
      console.error(`keys: unknown argument "${arg}"\n${USAGE}`);
      process.exit(2);
    }
    algorithms.push(value);
  }
  try {
    return keyAlgorithms(algorithms);
  } catch (error) {
    console.error(`keys: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

process.stdout.write(`${generateKeySet(algorithmsOf(process.argv.slice(2)))}\n`);
