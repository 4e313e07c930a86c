import type { CoreMetric } from '../distance.js';
import type { Matrix } from '../matrix.js';

/** What every engine is given to search. */
export interface EngineRequest {
  k: number;
  metric: CoreMetric;
  /** Bytes the per-call buffers may use. */
  budgetBytes: number;
  /** Called with the number of queries finished so far. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/** The k nearest rows of each query, m × k, nearest first; distances in the metric's own units. */
export interface EngineResult {
  indices: Int32Array;
  distances: Float64Array;
}

/** The training data an engine searches. */
export interface TrainingSet {
  matrix: Matrix;
  /** Row norms (cosine only). */
  norms?: Float64Array;
}

export type { Matrix };
