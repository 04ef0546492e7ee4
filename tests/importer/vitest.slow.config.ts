import { defineConfig } from 'vitest/config';

// `npm run test:importers`: real-size ViT imports in every layout (tests/importer/importers.slow.ts), one at a time.
export default defineConfig({
  test: {
    include: ['tests/importer/**/*.slow.ts'],
    testTimeout: 60 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
