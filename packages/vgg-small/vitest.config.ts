import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'vgg-small',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-helpers/quiet-tfjs.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
