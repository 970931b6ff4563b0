import { defineConfig } from 'vitest/config';

// `npm run test:browser`: real headless Chromium (Debian's /usr/bin/chromium) and nginx against the
// built Worker, in Node, outside `npm test`'s workerd pool. One Worker per run (the global setup),
// one browser per test file. See README "Tests".
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/browser/support/global-setup.ts'],
    // Two files at a time: each drives its own Chromium against the shared Worker (2-CPU machines).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
