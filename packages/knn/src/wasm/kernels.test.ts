import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, render } from '../../scripts/build-wasm.js';
import { M, MF, W } from './layout.js';

describe('the committed WebAssembly kernels', () => {
  it('are exactly what assembly/index.ts compiles to (regenerate with `pnpm run build:wasm`)', async () => {
    const committed = readFileSync(new URL('./kernels.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(render(await compile(true), await compile(false)));
  }, 60_000);

  it('read the context slots where layout.ts writes them', () => {
    const src = readFileSync(new URL('../../assembly/index.ts', import.meta.url), 'utf8');
    const slots = (prefix: string) =>
      Object.fromEntries(
        [...src.matchAll(new RegExp(`^const ${prefix}_([A-Z0-9_]+): i32 = (\\d+);`, 'gm'))].map(
          (m) => [m[1], Number(m[2])],
        ),
      );
    expect(slots('M')).toEqual(M);
    expect(slots('MF')).toEqual(MF);
    expect(slots('W')).toEqual(W);
  });
});
