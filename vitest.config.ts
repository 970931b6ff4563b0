import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
// @ts-expect-error: a plain .mjs script, shared with wrangler's build command.
import { copyDocsAssets } from './scripts/docs-assets.mjs';
import { testSecrets } from './test/support/secrets.ts';

/**
 * The adversarial sweeps first (longest first), whatever vitest remembers of earlier runs: each
 * worker starts on them while its storage is fresh, so their snapshots of every row stay small,
 * and the short files fill in behind them so both workers end together.
 */
class SweepsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const sweep = (file: TestSpecification) => (/\/test\/robustness\/bad-/.test(file.moduleId) ? 0 : 1);
    return [...sorted].sort((a, b) => sweep(a) - sweep(b));
  }
}

// Tests run inside workerd against real local D1 and KV, with the same migrations wrangler applies.
export default defineConfig(async () => {
  // The pool reads wrangler.toml (and .dev.vars, if `npm run dev` wrote one) once per test file;
  // at wrangler's default level each read prints "Using secrets defined in .dev.vars". The tests
  // set both secrets themselves, so keep wrangler to its warnings and errors unless told otherwise.
  process.env.WRANGLER_LOG ??= 'warn';
  // The /docs bundle that wrangler.toml's [assets] directory serves (wrangler's build step does not run here).
  copyDocsAssets();
  const migrations = await readD1Migrations('./migrations');
  const secrets = await testSecrets();
  return {
    test: {
      // Each test file gets its own workerd; vitest's default (one fewer worker than CPUs) runs a
      // single file at a time on a 2-CPU machine while the Node side mostly waits for workerd.
      maxWorkers: 2,
      sequence: { sequencer: SweepsFirst },
      // Two projects in one run (one summary line): the service's tests inside workerd, and the
      // CLI's tests in Node (vitest.cli.config.ts), which start the built Worker themselves.
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                // The send_email binding (commented out in wrangler.toml until a domain is onboarded).
                email: { send_email: [{ name: 'SEND_EMAIL' }] },
                d1Databases: {
                  // A second, never migrated D1: what a deploy that skipped `db:migrate:remote` runs against.
                  UNMIGRATED_DB: 'gatehouse-unmigrated',
                  // An empty D1 that test/scale/operation-counts.test.ts migrates and fills to measure row sizes.
                  SIZES_DB: 'gatehouse-sizes',
                  // Four D1 databases for the sharded store's proof (src/store/sharded-db.ts, docs/scale.md).
                  SHARD_0: 'gatehouse-shard-0',
                  SHARD_1: 'gatehouse-shard-1',
                  SHARD_2: 'gatehouse-shard-2',
                  SHARD_3: 'gatehouse-shard-3',
                },
                bindings: {
                  ...secrets,
                  TEST_MIGRATIONS: migrations,
                  // Cheap hashing keeps the suite fast; one test checks the production default separately.
                  PASSWORD_HASH: 'scrypt:ln=10,r=8,p=1',
                  // Links in mail come only from configuration, as in production.
                  PUBLIC_URL: 'https://gatehouse.test',
                },
              },
            }),
          ],
          test: {
            name: 'workers',
            // The browser tests run in Node with Chromium: `npm run test:browser` (vitest.browser.config.ts).
            exclude: [...configDefaults.exclude, 'test/cli/**', 'test/browser/**'],
            setupFiles: ['./test/support/setup.ts'],
            testTimeout: 30_000,
            // Files of one worker share its runtime and storage, run one after another: starting a
            // runtime per file cost about 1.5 s each (80 s of the suite). Tests use unique users and
            // ecosystems, and the robustness sweep restores the storage it started from.
            isolate: false,
          },
        },
        './vitest.cli.config.ts',
      ],
    },
  };
});
