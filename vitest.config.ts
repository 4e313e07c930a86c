import { defineConfig } from 'vitest/config';

// One vitest run over every package: `pnpm test` at the root.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples'],
  },
});
