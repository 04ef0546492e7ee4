import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:package`: builds the Linux app folder and checks it (linux-package.test.ts). Apart
// from the unit tests because it builds dist/ and the package first (about a minute). The packaged
// main bundle imports `electron`, which resolves to the same stand-in main.test.ts uses.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  // The package leaves out source maps; Vite would warn that main.js's map is missing.
  logLevel: 'error',
  resolve: {
    alias: [{ find: /^electron$/, replacement: fileURLToPath(new URL('../../main/hosts/electron/stand-in-electron.ts', import.meta.url)) }],
  },
  test: {
    include: ['scripts/packaging/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
