#!/usr/bin/env node
// `npm test`: vitest, both projects of vitest.config.ts in one run and one summary (the service's
// tests in workerd, the CLI's in Node), with one line of workerd's output dropped. The robustness sweep sends
// latin-1 bytes in an Authorization header on purpose (test/robustness/probes.ts), and workerd
// warns about that exact value on every route it is sent to, through the pool's own log handler,
// which no hook in the config or a setup file reaches. Everything else passes through; the exit code is vitest's.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PROBE_WARNING = /^A header value for "authorization" contains non-ASCII characters: "Bearer \u00e9\u00ff\u00fe" /;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
const child = spawn(vitest, ['run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'pipe'],
  env: { ...process.env, ...color },
});
/** Copies a stream of the child line by line, but for the probe's warning. */
function filter(input, output) {
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!PROBE_WARNING.test(line)) output.write(`${line}\n`);
  });
  return new Promise((resolve) => lines.on('close', resolve));
}

const copied = Promise.all([filter(child.stdout, process.stdout), filter(child.stderr, process.stderr)]);
child.on('exit', async (code, signal) => {
  await copied;
  process.exit(code ?? (signal ? 1 : 0));
});
