#!/usr/bin/env node
// Copies Scalar's standalone bundle (@scalar/api-reference, 3.5 MB) to generated/scalar.txt, which
// the Worker imports as a text module (wrangler's default rule for `.txt`) and serves at
// /docs/scalar.js for the /docs page: nothing comes from a CDN, and no static-asset router stands
// in front of every request (bench/README.md, "Static assets"). Run by wrangler's [build] (dev,
// deploy) and by vitest.config.ts; generated/ is not committed.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function copyDocsAssets() {
  const bundle = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
  const target = join(root, 'generated', 'scalar.txt');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(bundle, target);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyDocsAssets();
