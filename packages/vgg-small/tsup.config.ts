import { defineConfig } from 'tsup';

export default defineConfig({
  // index: everything (Node); browser: the part with no Node module (inference, loading over HTTP).
  entry: ['src/index.ts', 'src/browser.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // CJS: import.meta.url from __filename (the pretrained weights' URL). ESM needs no shim.
  shims: true,
  esbuildOptions(options, { format }) {
    // tsup's ESM shim (__dirname via node:path and node:url) would land in the chunk that the
    // browser entry shares: leave it out; pretrained.ts falls back to import.meta.url there.
    if (format === 'esm') options.inject = options.inject?.filter((f) => !/esm_shims/.test(f));
  },
  // One shared chunk in both formats, so the classes (errors above all) are the same objects
  // whichever entry point is loaded.
  splitting: true,
});
