import { defineConfig } from 'vitest/config';

// The deploy checks only read files: no globalSetup, no databases, no Temporal.
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
  },
});
