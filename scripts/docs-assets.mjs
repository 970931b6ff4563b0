#!/usr/bin/env node
// Copies Scalar's standalone bundle (@scalar/api-reference, 3.5 MB) to public/docs/scalar.js,
// which Workers static assets serve at /docs/scalar.js for the /docs page: nothing comes from a
// CDN, and the bundle stays out of the Worker's own script (its size limit and start-up time).
// Run by wrangler's [build] (dev, deploy) and by vitest.config.ts; public/ is not committed.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function copyDocsAssets() {
  const bundle = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
  const target = join(root, 'public', 'docs', 'scalar.js');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(bundle, target);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyDocsAssets();
