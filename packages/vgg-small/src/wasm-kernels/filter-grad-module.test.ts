import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderFilterGradModule } from '../../scripts/build-wasm.js';
import { filterGradModule } from './filter-grad-module.js';

describe('the committed filter-gradient WebAssembly module', () => {
  it('is exactly what assembly/conv2d-backprop-filter.ts compiles to (regenerate with `pnpm run build:wasm`)', async () => {
    const committed = readFileSync(new URL('./filter-grad.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderFilterGradModule());
  }, 60_000);

  it('grows its memory to what a call asks for, and keeps one instance per thread', () => {
    const small = filterGradModule(1024);
    const large = filterGradModule(5 * 65536);
    expect(large.exports).toBe(small.exports);
    expect(large.base % 16).toBe(0);
    expect(large.exports.memory.buffer.byteLength).toBeGreaterThanOrEqual(large.base + 5 * 65536);
  });
});
