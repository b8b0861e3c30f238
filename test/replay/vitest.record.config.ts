import { defineConfig } from 'vitest/config';

/** `npm run record:histories`: the recorder alone, on the services the test suite starts. */
export default defineConfig({
  test: {
    include: ['test/replay/*.record.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
