import { FILTER_GRAD_WASM } from './filter-grad.generated.js';

/** The exports of assembly/conv2d-backprop-filter.ts (byte addresses in the module's memory). */
interface FilterGradExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  filterGradChunk(
    xp: number,
    dy: number,
    out: number,
    offs: number,
    R: number,
    first: number,
    B: number,
    OH: number,
    OW: number,
    F: number,
    Hp: number,
    Wp: number,
    C: number,
    sh: number,
    sw: number,
  ): void;
}

/** The filter-gradient module of this thread, with room for at least `bytes` above its static data. */
export interface FilterGradModule {
  exports: FilterGradExports;
  /** First free byte (16-aligned). */
  base: number;
}

let instance: FilterGradExports | undefined;

/**
 * This thread's instance of the filter-gradient module (compiled on first use, 2 KB, synchronously:
 * small enough for a browser's main thread), its memory grown to hold `bytes` above its static data.
 */
export function filterGradModule(bytes: number): FilterGradModule {
  if (!instance) {
    const wasm = Uint8Array.from(atob(FILTER_GRAD_WASM), (ch) => ch.charCodeAt(0));
    instance = new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports as never;
  }
  const exports = instance!;
  const base = exports.heapBase();
  const missing = base + bytes - exports.memory.buffer.byteLength;
  if (missing > 0) exports.memory.grow(Math.ceil(missing / 65536));
  return { exports, base };
}
