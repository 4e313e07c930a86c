import type { WasmSearch } from '../wasm/search.js';
import type { Engine, EngineCounters, EngineRequest, EngineResult, Matrix } from './types.js';

/**
 * The WebAssembly SIMD engines (`pruned`, `matmul`, `brute`): views of one {@link WasmSearch}
 * (the training rows in WebAssembly memory, shared by all three, and the worker threads).
 */
export class WasmEngine implements Engine {
  constructor(
    readonly name: 'pruned' | 'matmul' | 'brute',
    private readonly wasm: WasmSearch,
  ) {}

  search(queries: Matrix, req: EngineRequest): Promise<EngineResult> {
    return this.wasm.kneighbors(queries, { ...req, mode: this.name });
  }

  counters(): EngineCounters {
    const { wasm } = this;
    return {
      threads: wasm.threads,
      indexSeconds: this.name === 'pruned' ? wasm.buildSeconds : 0,
      memoryBytes: wasm.memoryBytes,
      workingBytes: wasm.workingBytes,
      ...(this.name === 'pruned' ? { pruneStats: { ...wasm.stats } } : {}),
    };
  }

  /** The shared {@link WasmSearch} is disposed by its owner ({@link EngineSet}). */
  dispose(): void {}
}
