import { exactDistance, rowNorm, TopK } from '../distance.js';
import { throwIfAborted } from '../wasm/executor.js';
import type { Engine, EngineRequest, Matrix, TrainingSet } from './types.js';

/** Milliseconds of work between yields to the event loop. */
const SLICE_MS = 25;

/**
 * Exact brute force in plain JavaScript: every query against every row with {@link exactDistance}.
 * The fallback where WebAssembly SIMD is missing; slow (about 1 G operations per second) but
 * dependency-free and obviously correct.
 */
export class JsEngine implements Engine {
  readonly name = 'js' as const;
  constructor(private readonly train: TrainingSet) {}

  async search(queries: Matrix, req: EngineRequest) {
    const { k, metric } = req;
    const { matrix: t, norms } = this.train;
    const m = queries.n;
    const indices = new Int32Array(m * k);
    const distances = new Float64Array(m * k);
    const top = new TopK(k);
    let sliceStart = Date.now();
    for (let q = 0; q < m; q++) {
      throwIfAborted(req.signal);
      top.reset();
      const qn = metric === 'cosine' ? rowNorm(queries.data, q * queries.d, queries.d) : 0;
      for (let j = 0; j < t.n; j++) {
        const dist = exactDistance({
          metric,
          a: queries.data,
          i: q,
          b: t.data,
          j,
          d: t.d,
          normA: qn,
          normB: norms?.[j] ?? 0,
        });
        top.push(dist, j);
      }
      indices.set(top.idx, q * k);
      distances.set(top.dist, q * k);
      req.onProgress?.(q + 1);
      if (Date.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setTimeout(r, 0));
        sliceStart = Date.now();
      }
    }
    throwIfAborted(req.signal);
    return { indices, distances };
  }

  counters() {
    return { threads: 1, indexSeconds: 0 };
  }

  dispose(): void {}
}
