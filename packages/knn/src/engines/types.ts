import type { CoreMetric } from '../distance.js';
import type { Matrix } from '../matrix.js';

/**
 * The engine names, `auto` first (it picks one of the others): what examples and UIs list.
 * Every engine returns the same neighbours; they differ in speed only.
 */
export const KNN_ENGINES = ['auto', 'pruned', 'matmul', 'brute', 'tfjs', 'js'] as const;

/** A search engine, or `auto` (see {@link KNN_ENGINES}). */
export type EngineName = (typeof KNN_ENGINES)[number];

/** An engine that actually searches (`auto` resolved). */
export type ResolvedEngineName = Exclude<EngineName, 'auto'>;

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

/** Counters an engine reports after a search (all optional). */
export interface EngineCounters {
  /** Threads used. */
  threads: number;
  /** Seconds spent building the engine's index (once per fit). */
  indexSeconds: number;
  /** `pruned`: exact distances and second bounds computed so far. */
  pruneStats?: {
    queries: number;
    exact: number;
    secondBound: number;
    rows: number;
  };
  /** `tfjs`: queries that could not be certified on the device and were searched on the CPU. */
  fallbacks?: number;
  /** WebAssembly engines: bytes of WebAssembly memory held (rows, index, the largest call's tiles). */
  memoryBytes?: number;
  /** WebAssembly engines: bytes the last search's working buffers took (bounded by the memory budget). */
  workingBytes?: number;
}

/** The one interface of every engine: `classifier.ts` calls nothing else. */
export interface Engine {
  readonly name: ResolvedEngineName;
  /** Exact k nearest neighbours of every query (ties: smaller training row first). */
  search(queries: Matrix, req: EngineRequest): Promise<EngineResult>;
  /** Counters after the last search. */
  counters(): EngineCounters;
  /** Releases threads, device tensors and memory; the engine cannot be used afterwards. */
  dispose(): void;
}

export type { Matrix };
