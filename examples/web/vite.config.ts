import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { noNodeImports } from './no-node-imports.js';

// The browser demo: `pnpm web:dev` (dev server), `pnpm web:build` (static files in web/dist).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built page works from any folder or sub-path.
  base: './',
  plugins: [noNodeImports()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs (core, layers, two backends) is one ~1 MB chunk; that is expected here.
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
