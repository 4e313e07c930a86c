import { packageConfig } from '../../tsup.base';

// index: the main API (Node); browser: the part with no Node module (inference, loading over HTTP);
// recipe/index and parallel/index: the `./recipe` and `./parallel` subpaths (dist/recipe/index.js,
// dist/parallel/index.js); parallel/worker: the training worker's script (started by the
// data-parallel trainer, not imported). Shared code (classes included) lands in dist/chunk-*.
export default packageConfig({
  entry: [
    'src/index.ts',
    'src/browser.ts',
    'src/recipe/index.ts',
    'src/parallel/index.ts',
    'src/parallel/worker.ts',
  ],
  // CJS: import.meta.url from __filename (the pretrained weights' URL). ESM needs no shim.
  shims: true,
  esbuildOptions(options, { format }) {
    // tsup's ESM shim (__dirname via node:path and node:url) would land in the chunk that the
    // browser entry shares: leave it out; pretrained.ts falls back to import.meta.url there.
    if (format === 'esm') options.inject = options.inject?.filter((f) => !/esm_shims/.test(f));
  },
});
