import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/tfjs.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // Shared code (the error classes above all) goes to one chunk in both formats, so that
  // `instanceof` agrees between `@fmnist/data` and `@fmnist/data/tfjs` under `require` too.
  splitting: true,
});
