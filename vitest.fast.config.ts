import { defineConfig } from 'vitest/config';

/**
 * The tests that need no PostgreSQL, S3 or Temporal service of the run: pure modules, the
 * configuration, the compose file, the GitHub emulator, and `npm start`, which brings up its own
 * embedded stack. scripts/test.sh runs them on the machine's own Node.js when that is another
 * line than the one the whole suite runs on, so every supported line is exercised.
 */
export default defineConfig({
  test: {
    include: [
      'test/cli/arguments.test.ts',
      'test/cli/client-schema.test.ts',
      'test/cli/serialize-path.test.ts',
      'test/config/**/*.test.ts',
      'test/deploy/**/*.test.ts',
      'test/embedded/**/*.test.ts',
      'test/github/rate-limit-failure.test.ts',
      'test/github/request-timeouts.test.ts',
      'packages/github-emulator/test/**/*.test.ts',
      'test/outbound/outbound-modules.test.ts',
      'test/replay/replay.test.ts',
      'test/sync/zip-entries.test.ts',
      'test/webhooks/drain-loop.test.ts',
      'test/webhooks/repository-events.test.ts',
      'test/unit/**/*.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
    // One retry of a failed test: with real services on two cores, a rare scheduling stall is not
    // a defect of the code under test. Tests that pass only on retry are listed at the end of
    // \`npm test\` (test/support/flaky-reporter.ts), so flakiness stays visible and gets fixed.
    retry: 1,
    hookTimeout: 120_000,
  },
});
