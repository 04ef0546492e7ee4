import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer: Svelte 5, built to dist/renderer and served by either host.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  resolve: {
    alias: {
      // vtk.js's XML reader (never used by the viewer) imports this Node-only module; see the stub.
      xmlbuilder2: fileURLToPath(new URL('./renderer/lib/stubs/xmlbuilder2.ts', import.meta.url)),
    },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
});
