import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Each file gets its own database, bucket and task queue; files run in parallel processes.
    pool: 'forks',
    testTimeout: 60_000,
    // One retry of a failed test: with real services on two cores, a rare scheduling stall is not
    // a defect of the code under test. Tests that pass only on retry are listed at the end of
    // \`npm test\` (test/support/flaky-reporter.ts), so flakiness stays visible and gets fixed.
    retry: 1,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
