import { defineConfig } from 'vitest/config';

// The emulator's own tests need no Postgres/Temporal/S3, so they skip the repo's globalSetup:
//   npx vitest run --root . --config packages/github-emulator/test/vitest.emulator.config.ts
export default defineConfig({
  test: {
    include: ['packages/github-emulator/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
