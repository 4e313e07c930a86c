import { packageConfig } from '../../tsup.base';

// index: everything (Node); browser: the part with no Node module (inference, loading over HTTP);
// parallel/worker: the training worker's script (started by the data-parallel trainer, not imported).
export default packageConfig({
  entry: ['src/index.ts', 'src/browser.ts', 'src/parallel/worker.ts'],
  // CJS: import.meta.url from __filename (the pretrained weights' URL). ESM needs no shim.
  shims: true,
  esbuildOptions(options, { format }) {
    // tsup's ESM shim (__dirname via node:path and node:url) would land in the chunk that the
    // browser entry shares: leave it out; pretrained.ts falls back to import.meta.url there.
    if (format === 'esm') options.inject = options.inject?.filter((f) => !/esm_shims/.test(f));
  },
});
