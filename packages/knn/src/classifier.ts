import { base64ToBytes, bytesToBase64 } from './base64.js';
import { type CoreMetric, coreMetric, type Metric } from './distance.js';
import { type AutoEstimate, EngineSet } from './engines/select.js';
import { activeBackend } from './engines/tfjs.js';
import {
  type EngineName,
  type EngineRequest,
  type EngineResult,
  KNN_ENGINES,
  type ResolvedEngineName,
} from './engines/types.js';
import {
  DimensionMismatchError,
  EmptyTrainingSetError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  LabelLengthError,
  NotFittedError,
} from './errors.js';
import { type Matrix, type MatrixInput, toMatrix } from './matrix.js';
import { checkKeys, intAtLeast, oneOf } from './options.js';
import { classScores, decide, normalizeScores, type TieBreak, type Weights } from './vote.js';
import { defaultThreadCount, throwIfAborted } from './wasm/executor.js';
import { orderedData, reserveRows } from './wasm/resident.js';
import type { PruneStats } from './wasm/search.js';

export type { EngineName };

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
  /**
   * Search engine; default `auto` (see {@link KNeighborsClassifier.resolveEngine}). Every engine
   * returns the same neighbours: `pruned` (exact principal-component bounds), `matmul` (float rows:
   * a float32 SIMD matrix product re-ranked exactly in float64), `brute` (a plain exact scan),
   * `tfjs` (TensorFlow.js, certified on the CPU), `js` (plain JavaScript).
   */
  engine?: EngineName;
  /**
   * Bytes the per-call working buffers of predict / kneighbors may use (query tiles copied into
   * WebAssembly memory, per-thread candidates, device distance blocks); queries are processed in
   * tiles that fit. Default 256 MiB, at least 1 MiB. The training rows, their index and the results
   * (m × k) come on top.
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
  engine: ResolvedEngineName;
  threads: number;
  /** The tfjs backend active at the time (if any). */
  backend: string | undefined;
  /** Seconds spent building the `pruned` index (once per fit). */
  indexSeconds: number;
  /** `pruned`: exact distances and second bounds computed so far. */
  pruneStats?: PruneStats;
  /** `tfjs`: queries that could not be certified on the device and were searched on the CPU. */
  fallbacks?: number;
  /**
   * WebAssembly engines: bytes of WebAssembly memory held (training rows, index, and the working
   * tiles of the largest call so far, which {@link KNeighborsClassifierOptions.memoryBudgetBytes}
   * bounds).
   */
  memoryBytes?: number;
  /**
   * WebAssembly engines: bytes the last search's working buffers took (query tiles, per-thread
   * scratch, results in WebAssembly memory): at most `memoryBudgetBytes`, unless a single tile of
   * one job per thread needs more.
   */
  workingBytes?: number;
  /** `auto`: what it measured to choose (absent when no estimate was needed). */
  estimate?: AutoEstimate;
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
const OPTION_KEYS = [
  'k',
  'metric',
  'weights',
  'tieBreak',
  'engine',
  'memoryBudgetBytes',
  'threads',
  'pcaSamples',
  'seed',
] as const;
const PREDICT_KEYS = ['onProgress', 'signal'] as const;
const KNEIGHBORS_KEYS = ['k', 'onProgress', 'signal'] as const;
const DEFAULT_BUDGET = 256 * 1024 * 1024;
/** Training sets with fewer values than this run on the calling thread unless `threads` says otherwise. */
const SMALL_VALUES = 1 << 20;
/** Rows longer than this are stored as float32 (still exact: integer sums in float64). */
const MAX_U8_FEATURES = 33_000;

interface Fitted {
  train: Matrix;
  labels: Int32Array;
  classes: Int32Array;
  /** Position in `classes` of each training row's label. */
  classOf: Int32Array;
  engines: EngineSet;
}

function checkK(k: unknown, n?: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || (n !== undefined && k > n)) {
    throw new InvalidKError({ k, trainingRows: n });
  }
  return k;
}

function checkOptionsObject(options: unknown, where: string, keys: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError({
      option: `${where} options`,
      value: options,
      expected: 'an object (or nothing)',
    });
  }
  checkKeys(options, keys, where);
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
  private last: EngineInfo | undefined;

  constructor(options: KNeighborsClassifierOptions = {}) {
    checkOptionsObject(options, 'KNeighborsClassifier', OPTION_KEYS);
    this.k = checkK(options.k ?? 5);
    this.metric = oneOf('metric', options.metric ?? 'euclidean', METRICS);
    this.weights = oneOf('weights', options.weights ?? 'uniform', ['uniform', 'distance'] as const);
    this.tieBreak = oneOf('tieBreak', options.tieBreak ?? 'sklearn', [
      'sklearn',
      'nearest',
    ] as const);
    this.engine = oneOf('engine', options.engine ?? 'auto', KNN_ENGINES);
    const budget = options.memoryBudgetBytes ?? DEFAULT_BUDGET;
    if (typeof budget !== 'number' || !(budget >= 1 << 20) || !Number.isFinite(budget)) {
      throw new InvalidOptionError({
        option: 'memoryBudgetBytes',
        value: budget,
        expected: 'a finite number of bytes ≥ 1 MiB (1048576)',
      });
    }
    this.memoryBudgetBytes = budget;
    this.threads =
      options.threads === undefined ? undefined : intAtLeast('threads', options.threads, 1);
    this.pcaSamples = intAtLeast('pcaSamples', options.pcaSamples ?? 4096, 2);
    this.seed = intAtLeast('seed', options.seed ?? 0, 0);
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
   * Stores the training rows (copied; later changes to `X` do not reach the model) and labels
   * (integer numbers). Cheap: indexes are built on the first search (or by {@link prepare}).
   */
  fit(X: MatrixInput, y: ArrayLike<number>): this {
    // Rows searched by worker threads go straight into the WebAssembly memory the search will
    // adopt: one copy of the training set, not two.
    const threadsFor = (n: number, d: number) =>
      this.threads ?? (n * d >= SMALL_VALUES ? defaultThreadCount() : 1);
    let train = toMatrix(X, 'training', (kind, n, d) =>
      threadsFor(n, d) > 1 && !(kind === 'u8' && d > MAX_U8_FEATURES)
        ? reserveRows(kind, n, d)
        : undefined,
    );
    // The uint8 kernels add in int32: exact up to 33,025 features (255² per feature).
    if (train.kind === 'u8' && train.d > MAX_U8_FEATURES) {
      train = { ...train, kind: 'f32', data: Float32Array.from(train.data) };
    }
    if (train.n === 0 || train.d === 0)
      throw new EmptyTrainingSetError({ shape: [train.n, train.d] });
    const labels = toLabels(y, train.n);
    checkK(this.k, train.n);
    const classes = Int32Array.from(new Set(labels)).sort();
    const pos = new Map<number, number>();
    for (let i = 0; i < classes.length; i++) pos.set(classes[i], i);
    const classOf = labels.map((l) => pos.get(l) as number);
    // toMatrix finds the largest |value| of training rows on its way.
    const maxAbs = train.maxAbs ?? 0;
    this.dispose();
    const threads = threadsFor(train.n, train.d);
    this.fitted = {
      train,
      labels,
      classes,
      classOf,
      engines: new EngineSet({
        train,
        metric: coreMetric(this.metric),
        maxAbs,
        threads,
        pcaSamples: this.pcaSamples,
        seed: this.seed,
        k: this.k,
      }),
    };
    return this;
  }

  /**
   * The engine a search runs on now, for this model. A named engine is checked (a typed error if
   * it cannot run here). `auto`: `tfjs` when the active TensorFlow.js backend runs on a GPU
   * (webgl, webgpu, tensorflow) and the metric is not manhattan; `js` without WebAssembly SIMD;
   * brute force (`matmul` for float rows, `brute` for bytes or manhattan) when pruning cannot apply
   * (manhattan, |x| > 1e15, < 2048 rows); otherwise the choice measured by the first search (or
   * {@link prepare}): `pruned` when its estimated share of exact distances is ≤ 10%, brute force
   * otherwise. Before that measurement it returns `pruned` (the likely choice), after it the choice.
   */
  resolveEngine(): ResolvedEngineName {
    const f = this.need('resolveEngine');
    return f.engines.check(this.engine) ?? 'pruned';
  }

  /** Builds what the engine needs (`auto`'s estimate, the index, threads) now rather than on the first search. */
  async prepare(options: { signal?: AbortSignal } = {}): Promise<void> {
    checkOptionsObject(options, 'prepare', ['signal']);
    const f = this.need('prepare');
    await f.engines.forSearch(this.engine, options.signal);
  }

  private need(method: string): Fitted {
    if (!this.fitted) throw new NotFittedError({ method });
    return this.fitted;
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
    if (queries.d !== f.train.d) {
      throw new DimensionMismatchError({ expected: f.train.d, actual: queries.d });
    }
    checkK(k, f.train.n);
    const m = queries.n;
    const metric: CoreMetric = coreMetric(this.metric);
    const onProgress = options.onProgress
      ? (done: number) => options.onProgress?.(done, m)
      : undefined;
    const req: EngineRequest = {
      k,
      metric,
      budgetBytes: this.memoryBudgetBytes,
      onProgress,
      signal: options.signal,
    };
    const engine = await f.engines.forSearch(this.engine, options.signal);
    options.onProgress?.(0, m);
    const result = await engine.search(queries, req);
    const counters = engine.counters();
    this.last = {
      engine: engine.name,
      backend: activeBackend(),
      ...counters,
      ...(this.engine === 'auto' && f.engines.estimate ? { estimate: f.engines.estimate } : {}),
    };
    return { ...result, m };
  }

  /** The k nearest training rows of each query. */
  async kneighbors(X: MatrixInput, options: KNeighborsOptions = {}): Promise<Neighbors> {
    checkOptionsObject(options, 'kneighbors', KNEIGHBORS_KEYS);
    const k = options.k ?? this.k;
    const { indices, distances, m } = await this.search(X, k, options);
    if (this.metric === 'euclidean')
      for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(distances[i]);
    return { indices, distances, shape: [m, k] };
  }

  private async scores(X: MatrixInput, options: PredictOptions, method: string) {
    checkOptionsObject(options, method, PREDICT_KEYS);
    const f = this.need(method);
    const nb = await this.kneighbors(X, options);
    const [m, k] = nb.shape;
    const nc = f.classes.length;
    const cls = new Int32Array(m * k);
    for (let i = 0; i < cls.length; i++) cls[i] = f.classOf[nb.indices[i]];
    return {
      f,
      m,
      k,
      nc,
      cls,
      scores: classScores({
        neighbourClass: cls,
        distances: nb.distances,
        m,
        k,
        nClasses: nc,
        weights: this.weights,
      }),
    };
  }

  /** The predicted label of each query. */
  async predict(X: MatrixInput, options: PredictOptions = {}): Promise<Int32Array> {
    const { f, m, k, nc, cls, scores } = await this.scores(X, options, 'predict');
    const best = decide({
      scores,
      neighbourClass: cls,
      m,
      k,
      nClasses: nc,
      tieBreak: this.tieBreak,
    });
    return best.map((c) => f.classes[c]);
  }

  /**
   * Class probabilities of each query (scikit-learn's `predict_proba`), from the k nearest
   * neighbours as {@link kneighbors} returns them. When the k-th neighbour's distance equals the
   * next row's, this package keeps the row with the smaller index; scikit-learn's brute force keeps
   * whichever its partial sort puts first, so on such ties the probabilities may differ from
   * scikit-learn's (the predictions rarely do).
   */
  async predictProba(X: MatrixInput, options: PredictOptions = {}): Promise<Probabilities> {
    const { f, m, nc, scores } = await this.scores(X, options, 'predictProba');
    return {
      probabilities: normalizeScores(scores, m, nc),
      shape: [m, nc],
      classes: f.classes.slice(),
    };
  }

  /** Accuracy on (X, y): the fraction of queries whose predicted label equals y. */
  async score(X: MatrixInput, y: ArrayLike<number>, options: PredictOptions = {}): Promise<number> {
    this.need('score');
    const pred = await this.predict(X, options);
    const labels = toLabels(y, pred.length);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
    return pred.length === 0 ? 0 : ok / pred.length;
  }

  /** A JSON-safe copy of the fitted model (options, rows and labels; the index is rebuilt on load). */
  toJSON(): SerializedKNeighborsClassifier {
    const f = this.need('toJSON');
    const rows = orderedData(f.train);
    const data =
      rows instanceof Uint8Array
        ? rows
        : new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
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
      throw new InvalidModelError({
        problem: 'Not a serialised @fmnist/knn model (format field missing or wrong).',
      });
    }
    if (j.version !== 1)
      throw new InvalidModelError({
        problem: `Unsupported model version ${String(j.version)}; expected 1.`,
      });
    if (
      !Array.isArray(j.shape) ||
      j.shape.length !== 2 ||
      (j.dtype !== 'uint8' && j.dtype !== 'float32')
    ) {
      throw new InvalidModelError({ problem: 'The model has no valid shape / dtype.' });
    }
    let bytes: Uint8Array;
    let labelBytes: Uint8Array;
    try {
      bytes = base64ToBytes(j.data);
      if (j.dtype === 'float32') bytes = littleEndian(bytes);
      labelBytes = littleEndian(base64ToBytes(j.labels));
    } catch (e) {
      throw new InvalidModelError({
        problem: `The model's data is not valid base64 (${String(e)}).`,
        cause: e,
      });
    }
    const [n, d] = j.shape;
    const width = j.dtype === 'uint8' ? 1 : 4;
    if (bytes.length !== n * d * width || labelBytes.length !== n * 4) {
      throw new InvalidModelError({
        problem: `The model's data does not match its shape [${n}, ${d}].`,
      });
    }
    const data =
      j.dtype === 'uint8' ? bytes : new Float32Array(bytes.buffer, bytes.byteOffset, n * d);
    const labels = new Int32Array(labelBytes.buffer, labelBytes.byteOffset, n);
    return new KNeighborsClassifier(j.options).fit({ data, shape: [n, d] }, labels);
  }

  /** Stops worker threads and releases device tensors. The model stays fitted and usable. */
  dispose(): void {
    this.fitted?.engines.dispose();
    if (this.fitted) {
      const { train, labels, classes, classOf, engines } = this.fitted;
      // A fresh set: the model stays usable; its engines are made again on the next search.
      this.fitted = {
        train,
        labels,
        classes,
        classOf,
        engines: engines.fresh(),
      };
    }
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

/** Labels as int32, checked: one integer number per row. */
function toLabels(y: unknown, n: number): Int32Array {
  const arr = y as ArrayLike<unknown> | null | undefined;
  if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number') {
    throw new LabelLengthError({ expected: n, actual: 0 });
  }
  if (arr.length !== n) throw new LabelLengthError({ expected: n, actual: arr.length });
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new InvalidLabelError({ index: i, value: v });
    }
    labels[i] = v;
  }
  return labels;
}
