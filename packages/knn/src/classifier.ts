import { base64ToBytes, bytesToBase64 } from './base64.js';
import { type CoreMetric, coreMetric, type Metric, rowNorms } from './distance.js';
import { jsSearch } from './engines/js.js';
import { activeBackend, GPU_BACKENDS, TfjsSearch } from './engines/tfjs.js';
import type { EngineResult } from './engines/types.js';
import {
  DimensionMismatchError,
  EmptyTrainingSetError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  LabelLengthError,
  NotFittedError,
  UnsupportedEngineError,
} from './errors.js';
import { type Matrix, type MatrixInput, toMatrix } from './matrix.js';
import { classScores, decide, normalizeScores, type TieBreak, type Weights } from './vote.js';
import { defaultThreadCount, throwIfAborted } from './wasm/executor.js';
import { wasmSimdSupported } from './wasm/runtime.js';
import { type PruneStats, WasmSearch } from './wasm/search.js';

/** The search engines. `auto` picks one (see {@link KNeighborsClassifier.resolveEngine}). */
export type EngineName = 'auto' | 'pruned' | 'brute' | 'tfjs' | 'js';

/** Options of {@link KNeighborsClassifier}. Every default is scikit-learn's where it has one. */
export interface KNeighborsClassifierOptions {
  /** Neighbours that vote. Default 5. */
  k?: number;
  /**
   * Distance. `euclidean` (default) ranks by the squared distance (same order) and reports the
   * distance; `sqeuclidean` reports the squared distance; `manhattan` (L1); `cosine` (1 − cos).
   */
  metric?: Metric;
  /** `uniform` (default): one vote each; `distance`: 1/distance (scikit-learn's rule for 0). */
  weights?: Weights;
  /** `sklearn` (default): among tied classes the smallest label wins; `nearest`: the nearest neighbour's. */
  tieBreak?: TieBreak;
  /** Search engine; default `auto`. Every engine returns the same neighbours. */
  engine?: EngineName;
  /**
   * Bytes the per-call buffers may use (query copies, results, device distance blocks); queries are
   * processed in chunks that fit. Default 256 MiB. The training data and its index come on top.
   */
  memoryBudgetBytes?: number;
  /**
   * Threads of the WebAssembly engines. Default: all cores under Node (for training sets of at least
   * 2^20 values; smaller ones are not worth a thread), 1 in browsers.
   */
  threads?: number;
  /** Training rows sampled to compute the principal components of the `pruned` engine. Default 4096. */
  pcaSamples?: number;
  /** Seed of the (only) random choice: the Lanczos start vector of the principal components. Default 0. */
  seed?: number;
}

/** Options of predict / predictProba / score / kneighbors. */
export interface PredictOptions {
  /** Called as queries finish: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Stops the work between chunks; the promise rejects with an `AbortedError`. */
  signal?: AbortSignal;
}

export interface KNeighborsOptions extends PredictOptions {
  /** Neighbours to return; default the model's k. */
  k?: number;
}

/** k nearest training rows of each query, nearest first (equal distances: smaller row first). */
export interface Neighbors {
  /** Training row numbers, m × k row-major. */
  indices: Int32Array;
  /** Their distances in the metric's units (`euclidean`: the distance, not its square). */
  distances: Float64Array;
  shape: [number, number];
}

/** Class probabilities, m × classes.length, in the order of `classes`. */
export interface Probabilities {
  probabilities: Float64Array;
  shape: [number, number];
  classes: Int32Array;
}

/** What the last search used, and its counters. */
export interface EngineInfo {
  engine: Exclude<EngineName, 'auto'>;
  threads: number;
  /** The tfjs backend active at the time (if any). */
  backend: string | undefined;
  /** Seconds spent building the `pruned` index (once per fit). */
  indexSeconds: number;
  /** `pruned`: exact distances and second bounds computed so far. */
  pruneStats?: PruneStats;
  /** `tfjs`: queries that could not be certified on the device and were searched on the CPU. */
  fallbacks?: number;
}

/** The serialised form of a fitted model ({@link KNeighborsClassifier.toJSON}). */
export interface SerializedKNeighborsClassifier {
  format: '@fmnist/knn';
  version: 1;
  options: Required<Omit<KNeighborsClassifierOptions, 'threads'>> & { threads?: number };
  shape: [number, number];
  dtype: 'uint8' | 'float32';
  /** Little-endian row-major values, base64. */
  data: string;
  /** int32 labels, little-endian, base64. */
  labels: string;
}

const METRICS: readonly Metric[] = ['euclidean', 'sqeuclidean', 'manhattan', 'cosine'];
const ENGINES: readonly EngineName[] = ['auto', 'pruned', 'brute', 'tfjs', 'js'];
const DEFAULT_BUDGET = 256 * 1024 * 1024;
/** Training sets with fewer values than this run on the calling thread unless `threads` says otherwise. */
const SMALL_VALUES = 1 << 20;
/** Rows longer than this are stored as float32 (still exact: integer sums in float64). */
const MAX_U8_FEATURES = 33_000;
/** Below this many training rows `auto` uses brute force: the index would not pay for itself. */
const PRUNE_MIN_ROWS = 2048;

interface Fitted {
  train: Matrix;
  norms?: Float64Array;
  labels: Int32Array;
  classes: Int32Array;
  /** Position in `classes` of each training row's label. */
  classOf: Int32Array;
  maxAbs: number;
}

function checkK(k: unknown, n?: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || (n !== undefined && k > n)) {
    throw new InvalidKError(k as number, n);
  }
  return k;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new InvalidOptionError(
      name,
      `${name} must be one of ${allowed.join(', ')}; got ${String(v)}.`,
    );
  }
  return v as T;
}

function positiveInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InvalidOptionError(name, `${name} must be an integer ≥ ${min}; got ${String(v)}.`);
  }
  return v;
}

/**
 * Exact k-nearest-neighbours classifier with scikit-learn's semantics, for uint8 or float rows
 * (Fashion-MNIST pixels or any feature vectors) and tfjs tensors.
 *
 * @example
 * ```ts
 * import { KNeighborsClassifier } from '@fmnist/knn';
 * import { loadFashionMnist } from '@fmnist/data';
 *
 * const { train, test } = await loadFashionMnist();
 * const knn = new KNeighborsClassifier({ k: 5 }).fit(
 *   { data: train.images, shape: [train.count, 784] },
 *   train.labels,
 * );
 * const accuracy = await knn.score({ data: test.images, shape: [test.count, 784] }, test.labels);
 * console.log(accuracy); // 0.8554
 * knn.dispose();
 * ```
 */
export class KNeighborsClassifier {
  readonly k: number;
  readonly metric: Metric;
  readonly weights: Weights;
  readonly tieBreak: TieBreak;
  readonly engine: EngineName;
  readonly memoryBudgetBytes: number;
  readonly threads: number | undefined;
  readonly pcaSamples: number;
  readonly seed: number;
  private fitted: Fitted | undefined;
  private wasm: Promise<WasmSearch> | undefined;
  private wasmPruned = false;
  private tfjs: TfjsSearch | undefined;
  private last: EngineInfo | undefined;

  constructor(options: KNeighborsClassifierOptions = {}) {
    this.k = checkK(options.k ?? 5);
    this.metric = oneOf('metric', options.metric ?? 'euclidean', METRICS);
    this.weights = oneOf('weights', options.weights ?? 'uniform', ['uniform', 'distance'] as const);
    this.tieBreak = oneOf('tieBreak', options.tieBreak ?? 'sklearn', [
      'sklearn',
      'nearest',
    ] as const);
    this.engine = oneOf('engine', options.engine ?? 'auto', ENGINES);
    const budget = options.memoryBudgetBytes ?? DEFAULT_BUDGET;
    if (typeof budget !== 'number' || !(budget >= 1 << 20) || !Number.isFinite(budget)) {
      throw new InvalidOptionError(
        'memoryBudgetBytes',
        `memoryBudgetBytes must be a finite number of bytes ≥ 1 MiB; got ${String(budget)}.`,
      );
    }
    this.memoryBudgetBytes = budget;
    this.threads =
      options.threads === undefined ? undefined : positiveInt('threads', options.threads, 1);
    this.pcaSamples = positiveInt('pcaSamples', options.pcaSamples ?? 4096, 2);
    this.seed = positiveInt('seed', options.seed ?? 0, 0);
  }

  /** Whether fit() has been called. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** The sorted distinct labels seen by fit(). */
  get classes(): Int32Array {
    return this.need('classes').classes.slice();
  }

  /** [training rows, features]. */
  get shape(): [number, number] {
    const f = this.need('shape');
    return [f.train.n, f.train.d];
  }

  /** What the last search used (undefined before the first). */
  get engineInfo(): EngineInfo | undefined {
    return this.last;
  }

  /**
   * Stores the training rows (copied; later changes to `X` do not reach the model) and labels.
   * Cheap: the `pruned` index is built on the first search (or by {@link prepare}).
   */
  fit(X: MatrixInput, y: ArrayLike<number>): this {
    let train = toMatrix(X, 'training');
    // The uint8 kernels add in int32: exact up to 33,025 features (255² per feature).
    if (train.kind === 'u8' && train.d > MAX_U8_FEATURES) {
      train = { ...train, kind: 'f32', data: Float32Array.from(train.data) };
    }
    if (train.n === 0 || train.d === 0) throw new EmptyTrainingSetError([train.n, train.d]);
    if (!y || typeof y.length !== 'number' || y.length !== train.n) {
      throw new LabelLengthError(train.n, y?.length ?? 0);
    }
    checkK(this.k, train.n);
    const labels = new Int32Array(train.n);
    for (let i = 0; i < train.n; i++) {
      const v = y[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new InvalidLabelError(i, v);
      }
      labels[i] = v;
    }
    const classes = Int32Array.from(new Set(labels)).sort();
    const pos = new Map<number, number>();
    for (let i = 0; i < classes.length; i++) pos.set(classes[i], i);
    const classOf = labels.map((l) => pos.get(l) as number);
    let maxAbs = 0;
    for (let i = 0; i < train.data.length; i++) {
      const a = Math.abs(train.data[i]);
      if (a > maxAbs) maxAbs = a;
    }
    this.dispose();
    this.fitted = {
      train,
      norms: this.metric === 'cosine' ? rowNorms(train) : undefined,
      labels,
      classes,
      classOf,
      maxAbs,
    };
    return this;
  }

  /**
   * The engine `auto` resolves to now, for this model: `tfjs` when the active TensorFlow.js backend
   * runs on a GPU (webgl, webgpu, tensorflow) and the metric is not manhattan; else, with
   * WebAssembly SIMD, `pruned` for euclidean / sqeuclidean / cosine on ≥ 2048 rows of moderate
   * magnitude (|x| ≤ 1e15), `brute` otherwise; `js` without WebAssembly SIMD.
   */
  resolveEngine(): Exclude<EngineName, 'auto'> {
    const f = this.need('resolveEngine');
    const core = coreMetric(this.metric);
    const prunable = core !== 'manhattan' && f.maxAbs <= 1e15;
    if (this.engine !== 'auto') {
      const e = this.engine;
      if ((e === 'pruned' || e === 'brute') && !wasmSimdSupported()) {
        throw new UnsupportedEngineError(
          e,
          'this JavaScript engine has no WebAssembly SIMD; use js.',
        );
      }
      if (e === 'pruned' && !prunable) {
        throw new UnsupportedEngineError(
          e,
          core === 'manhattan'
            ? 'its bounds are Euclidean; use brute for the manhattan metric.'
            : 'features larger than 1e15 in magnitude would overflow its float32 bounds; use brute.',
        );
      }
      if (e === 'tfjs' && activeBackend() === undefined) {
        throw new UnsupportedEngineError(e, 'no TensorFlow.js backend is registered.');
      }
      return e;
    }
    const backend = activeBackend();
    if (backend && GPU_BACKENDS.includes(backend) && core !== 'manhattan') return 'tfjs';
    if (!wasmSimdSupported()) return 'js';
    return prunable && f.train.n >= PRUNE_MIN_ROWS ? 'pruned' : 'brute';
  }

  /** Builds what the engine needs (the `pruned` index, threads) now rather than on the first search. */
  async prepare(options: { signal?: AbortSignal } = {}): Promise<void> {
    const engine = this.resolveEngine();
    if (engine === 'pruned' || engine === 'brute')
      await this.wasmSearch(engine === 'pruned', options.signal);
  }

  private need(method: string): Fitted {
    if (!this.fitted) throw new NotFittedError(method);
    return this.fitted;
  }

  /** The `threads` option, else all cores for training sets of ≥ 2^20 values (1 below: not worth a thread). */
  private threadCount(): number {
    const f = this.need('search');
    return this.threads ?? (f.train.n * f.train.d >= SMALL_VALUES ? defaultThreadCount() : 1);
  }

  private wasmSearch(pruned: boolean, signal?: AbortSignal): Promise<WasmSearch> {
    const f = this.need('search');
    if (!this.wasm || (pruned && !this.wasmPruned)) {
      const previous = this.wasm;
      this.wasmPruned = pruned;
      const created = WasmSearch.create(f.train, {
        metric: coreMetric(this.metric),
        pruned,
        threads: this.threadCount(),
        pcaSamples: this.pcaSamples,
        seed: this.seed,
        signal,
      });
      this.wasm = created;
      created.catch(() => {
        if (this.wasm === created) {
          this.wasm = undefined;
          this.wasmPruned = false;
        }
      });
      previous?.then((s) => s.dispose()).catch(() => undefined);
    }
    return this.wasm;
  }

  /** Searches with the resolved engine; distances in the core metric's units. */
  private async search(
    X: MatrixInput,
    k: number,
    options: PredictOptions,
  ): Promise<EngineResult & { m: number }> {
    const f = this.need('predict');
    throwIfAborted(options.signal);
    const queries = toMatrix(X, 'query');
    if (queries.d !== f.train.d) throw new DimensionMismatchError(f.train.d, queries.d);
    checkK(k, f.train.n);
    const m = queries.n;
    const engine = this.resolveEngine();
    const metric: CoreMetric = coreMetric(this.metric);
    const onProgress = options.onProgress
      ? (done: number) => options.onProgress?.(done, m)
      : undefined;
    const req = {
      k,
      metric,
      budgetBytes: this.memoryBudgetBytes,
      onProgress,
      signal: options.signal,
    };
    options.onProgress?.(0, m);
    let result: EngineResult;
    const info: EngineInfo = { engine, threads: 1, backend: activeBackend(), indexSeconds: 0 };
    if (engine === 'pruned' || engine === 'brute') {
      const s = await this.wasmSearch(engine === 'pruned', options.signal);
      result = await s.kneighbors(queries, { ...req, mode: engine });
      info.threads = s.threads;
      info.indexSeconds = s.buildSeconds;
      if (engine === 'pruned') info.pruneStats = { ...s.stats };
    } else if (engine === 'tfjs') {
      this.tfjs ??= new TfjsSearch({ matrix: f.train, norms: f.norms });
      result = await this.tfjs.search(queries, req);
      info.fallbacks = this.tfjs.stats.fallbacks;
    } else {
      result = await jsSearch({ matrix: f.train, norms: f.norms }, queries, req);
    }
    this.last = info;
    return { ...result, m };
  }

  /** The k nearest training rows of each query. */
  async kneighbors(X: MatrixInput, options: KNeighborsOptions = {}): Promise<Neighbors> {
    const k = options.k ?? this.k;
    const { indices, distances, m } = await this.search(X, k, options);
    if (this.metric === 'euclidean')
      for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(distances[i]);
    return { indices, distances, shape: [m, k] };
  }

  private async scores(X: MatrixInput, options: PredictOptions) {
    const f = this.need('predict');
    const nb = await this.kneighbors(X, options);
    const [m, k] = nb.shape;
    const nc = f.classes.length;
    const cls = new Int32Array(m * k);
    for (let i = 0; i < cls.length; i++) cls[i] = f.classOf[nb.indices[i]];
    return { f, m, k, nc, cls, scores: classScores(cls, nb.distances, m, k, nc, this.weights) };
  }

  /** The predicted label of each query. */
  async predict(X: MatrixInput, options: PredictOptions = {}): Promise<Int32Array> {
    const { f, m, k, nc, cls, scores } = await this.scores(X, options);
    const best = decide(scores, cls, m, k, nc, this.tieBreak);
    return best.map((c) => f.classes[c]);
  }

  /** Class probabilities of each query (scikit-learn's `predict_proba`). */
  async predictProba(X: MatrixInput, options: PredictOptions = {}): Promise<Probabilities> {
    const { f, m, nc, scores } = await this.scores(X, options);
    return {
      probabilities: normalizeScores(scores, m, nc),
      shape: [m, nc],
      classes: f.classes.slice(),
    };
  }

  /** Accuracy on (X, y): the fraction of queries whose predicted label equals y. */
  async score(X: MatrixInput, y: ArrayLike<number>, options: PredictOptions = {}): Promise<number> {
    const pred = await this.predict(X, options);
    if (!y || y.length !== pred.length) throw new LabelLengthError(pred.length, y?.length ?? 0);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) ok++;
    return pred.length === 0 ? 0 : ok / pred.length;
  }

  /** A JSON-safe copy of the fitted model (options, rows and labels; the index is rebuilt on load). */
  toJSON(): SerializedKNeighborsClassifier {
    const f = this.need('toJSON');
    const data =
      f.train.kind === 'u8'
        ? (f.train.data as Uint8Array)
        : new Uint8Array(f.train.data.buffer, f.train.data.byteOffset, f.train.data.byteLength);
    return {
      format: '@fmnist/knn',
      version: 1,
      options: {
        k: this.k,
        metric: this.metric,
        weights: this.weights,
        tieBreak: this.tieBreak,
        engine: this.engine,
        memoryBudgetBytes: this.memoryBudgetBytes,
        pcaSamples: this.pcaSamples,
        seed: this.seed,
        ...(this.threads === undefined ? {} : { threads: this.threads }),
      },
      shape: [f.train.n, f.train.d],
      dtype: f.train.kind === 'u8' ? 'uint8' : 'float32',
      data: bytesToBase64(f.train.kind === 'u8' ? data : littleEndian(data)),
      labels: bytesToBase64(littleEndian(new Uint8Array(f.labels.buffer))),
    };
  }

  /** A fitted model from {@link toJSON}'s output (or its JSON.parse). */
  static fromJSON(json: unknown): KNeighborsClassifier {
    const j = json as SerializedKNeighborsClassifier;
    if (!j || typeof j !== 'object' || j.format !== '@fmnist/knn') {
      throw new InvalidModelError(
        'Not a serialised @fmnist/knn model (format field missing or wrong).',
      );
    }
    if (j.version !== 1)
      throw new InvalidModelError(`Unsupported model version ${String(j.version)}; expected 1.`);
    if (
      !Array.isArray(j.shape) ||
      j.shape.length !== 2 ||
      (j.dtype !== 'uint8' && j.dtype !== 'float32')
    ) {
      throw new InvalidModelError('The model has no valid shape / dtype.');
    }
    let bytes: Uint8Array;
    let labelBytes: Uint8Array;
    try {
      bytes = base64ToBytes(j.data);
      if (j.dtype === 'float32') bytes = littleEndian(bytes);
      labelBytes = littleEndian(base64ToBytes(j.labels));
    } catch (e) {
      throw new InvalidModelError(`The model's data is not valid base64 (${String(e)}).`);
    }
    const [n, d] = j.shape;
    const width = j.dtype === 'uint8' ? 1 : 4;
    if (bytes.length !== n * d * width || labelBytes.length !== n * 4) {
      throw new InvalidModelError(`The model's data does not match its shape [${n}, ${d}].`);
    }
    const data =
      j.dtype === 'uint8' ? bytes : new Float32Array(bytes.buffer, bytes.byteOffset, n * d);
    const labels = new Int32Array(labelBytes.buffer, labelBytes.byteOffset, n);
    return new KNeighborsClassifier(j.options).fit({ data, shape: [n, d] }, labels);
  }

  /** Stops worker threads and releases device tensors. The model stays fitted and usable. */
  dispose(): void {
    this.wasm?.then((s) => s.dispose()).catch(() => undefined);
    this.wasm = undefined;
    this.wasmPruned = false;
    this.tfjs?.dispose();
    this.tfjs = undefined;
  }
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes in little-endian order of 4-byte words (a no-op on little-endian hosts, i.e. all common ones). */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (LITTLE) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    out[i] = bytes[i + 3];
    out[i + 1] = bytes[i + 2];
    out[i + 2] = bytes[i + 1];
    out[i + 3] = bytes[i];
  }
  return out;
}
