// The CLI's tests (test/cli): in Node, not workerd. They build the Worker once (global setup) and
// start it in workerd per file, then run the `gatehouse` commands against it. `npm test` runs this
// project beside the workers one (vitest.config.ts lists both).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    include: ['test/cli/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/cli/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
