import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code; browser tests have their own config.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
