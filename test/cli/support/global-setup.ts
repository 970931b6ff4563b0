// Once per CLI test run: the Worker built as `wrangler deploy` builds it (bench/lib/harness.mjs),
// for each test file to start in its own workerd.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWorker } from '../../../bench/lib/harness.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    workerScript: string;
  }
}

export default function setup(project: TestProject) {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-worker-'));
  project.provide('workerScript', buildWorker(process.cwd(), outdir));
  return () => rmSync(outdir, { recursive: true, force: true });
}
