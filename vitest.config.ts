import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code (*.test.ts); e2e tests are Playwright's (tests/e2e).
export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
