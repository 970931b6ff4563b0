// Starts the loopback origin (bench/lib/origin.mjs) as a child process and resolves once it listens:
// `{ child, url }`. The caller ends it by closing its stdin (or killing it).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'origin.mjs');

export function startOrigin() {
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data) => resolve({ child, url: `http://127.0.0.1:${String(data).trim()}` }));
  });
}
