import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Bundles the Electron host into dist/electron: `--mode main` gives the ESM main process,
// `--mode preload` the CommonJS preload (sandboxed preloads cannot be ES modules).
// package.json's `dependencies` stay in node_modules and are what the installer ships: native
// addons, WASM and what is loaded by `require` at run time. Every other package the main process
// imports (zod, csv-parse, …: devDependencies) is bundled in, so the installer needs no copy.
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)].map(
  (name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`),
);

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return {
    build: {
      outDir: 'dist/electron',
      emptyOutDir: !preload,
      target: 'node20',
      minify: false,
      sourcemap: true,
      ssr: preload ? 'main/hosts/electron/preload.ts' : 'main/hosts/electron/main.ts',
      rollupOptions: {
        external,
        output: { format: preload ? 'cjs' : 'es', entryFileNames: preload ? 'preload.cjs' : 'main.js' },
      },
    },
    ssr: { noExternal: true },
  };
});
