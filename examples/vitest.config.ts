import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'examples',
    include: ['src/**/*.test.ts', 'web/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/dist/**', 'web/fixtures/**'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
