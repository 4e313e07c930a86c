import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/tfjs.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // Share one copy of the core between the two entry points in CJS too (same error classes).
  splitting: true,
});
