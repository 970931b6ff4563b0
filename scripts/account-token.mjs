#!/usr/bin/env node
// `npm run -s account-token`: prints the local ACCOUNT_TOKEN that `npm run dev` keeps in .dev.vars,
// so a shell can take it with `export ACCOUNT_TOKEN=$(npm run -s account-token)`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const varsFile = join(dirname(fileURLToPath(import.meta.url)), '..', '.dev.vars');
let vars;
try {
  vars = readFileSync(varsFile, 'utf8');
} catch {
  console.error('No .dev.vars yet: run `npm run dev` once first; it writes the account token there.');
  process.exit(1);
}
const match = /^ACCOUNT_TOKEN=(["']?)(.*)\1$/m.exec(vars);
if (!match) {
  console.error('.dev.vars has no ACCOUNT_TOKEN line: delete .dev.vars and run `npm run dev` again.');
  process.exit(1);
}
console.log(match[2]);
