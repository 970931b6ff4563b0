#!/usr/bin/env node
// `npm run client:generate`: builds the Worker as a deploy would, starts it in workerd, saves the
// OpenAPI document it serves to client/openapi.json and generates the client's types from it. The
// document is the one the schemas that validate requests produce, so the client cannot drift from
// the service (test/client/document.test.ts checks the saved copy is current).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorker, startWorker } from '../bench/lib/harness.mjs';
import { generateKeySet } from './signing-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
try {
  const scriptPath = buildWorker(root, outdir);
  const bindings = { ACCOUNT_TOKEN: `acct_${crypto.randomUUID().replaceAll('-', '')}`, SIGNING_KEYS: generateKeySet(['ES256']) };
  const worker = await startWorker(scriptPath, bindings, {
    modulesRoot: outdir,
    d1Databases: { DB: 'openapi-db' },
    kvNamespaces: { TOKENS: 'openapi-kv' },
  });
  try {
    const response = await fetch(`${worker.url}/openapi.json`);
    if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
    // `servers` names the deployment that answered (here a local one): the client is given its base URL.
    const { servers: _servers, ...document } = await response.json();
    writeFileSync(join(root, 'client', 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  } finally {
    await worker.mf.dispose();
  }
  const bin = join(root, 'node_modules', '.bin', 'openapi-typescript');
  const generated = spawnSync(bin, ['client/openapi.json', '-o', 'client/src/openapi.d.ts', '--default-non-nullable', 'false'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
