// Once per `npm run test:browser`: builds the Worker as `wrangler deploy` would, starts the stub
// origin and the Worker (workerd through miniflare, fresh in-memory D1 and KV, migrations
// applied) on 127.0.0.1, and hands their addresses to the test files (gatehouse() in context.ts).
// Chromium treats 127.0.0.1 (and localhost, and all of 127.0.0.0/8) as potentially trustworthy
// over plain http: it stores and sends `Secure` and `__Host-` cookies there (checked with
// Chromium 156), so the Worker's own address can serve as ISSUER and PUBLIC_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { applyMigrations, buildWorker, startWorker } from '../../../bench/lib/harness.mjs';
import { generateSigningKey } from '../../../scripts/signing-keys.mjs';
import { RATE_LIMIT, workerBindings } from './config.ts';
import type { GatehouseContext } from './context.ts';
import { startOrigin } from './origin.ts';
import { freePort } from './ports.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const HOST = '127.0.0.1';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(outdir, { recursive: true, force: true })];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const scriptPath = buildWorker(root, join(outdir, 'worker'));
    const origin = await startOrigin(HOST);
    cleanups.push(() => origin.close());
    const port = await freePort(HOST);
    const url = `http://${HOST}:${port}`;
    const secrets = {
      ACCOUNT_TOKEN: `acct_${crypto.randomUUID().replaceAll('-', '')}`,
      SIGNING_KEYS: JSON.stringify({ keys: [generateSigningKey('ES256', 'browser-es256-1')] }),
      MFA_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
      IDP_SECRET_KEY: `idp_${crypto.randomUUID()}${crypto.randomUUID()}`,
    };
    const worker = await startWorker(scriptPath, workerBindings(url, origin.url, secrets), {
      unsafeDirectSockets: [{ host: HOST, port }],
      // Module names relative to the build, which lives outside the working directory.
      modulesRoot: join(outdir, 'worker'),
      d1Databases: { DB: 'browser-db' },
      kvNamespaces: { TOKENS: 'browser-tokens' },
      ratelimits: { AUTH_RATE_LIMITER: { namespace_id: '1001', simple: { ...RATE_LIMIT } } },
    });
    cleanups.push(() => worker.mf.dispose());
    if (worker.url !== url) throw new Error(`the Worker listens on ${worker.url}, expected ${url}`);
    await applyMigrations(worker.mf, root);
    const context: GatehouseContext = { url, accountToken: secrets.ACCOUNT_TOKEN, originUrl: origin.url, build: join(outdir, 'worker') };
    project.provide('gatehouse', context);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
