import { defineConfig } from 'tsup';

export default defineConfig({
  // index: the universal entry (browsers, bundlers); node: the same plus worker threads.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // One shared chunk in both formats, so the classes (errors above all) are the same objects
  // whichever entry point is loaded.
  splitting: true,
});
