// Types only: `@tensorflow/tfjs-core` is an optional peer, imported at run time by
// {@link TfjsEngine.create} alone (never when the package is loaded).
import type * as Tf from '@tensorflow/tfjs-core';
import { type CoreMetric, exactDistance, rowNorm, TopK } from '../distance.js';
import { UnsupportedEngineError } from '../errors.js';
import { asFloat32 } from '../matrix.js';
import { throwIfAborted } from '../wasm/executor.js';
import type {
  Engine,
  EngineCounters,
  EngineRequest,
  EngineResult,
  Matrix,
  TrainingSet,
} from './types.js';

type TfModule = typeof Tf;

/** Backends whose kernels run on a GPU: `auto` picks the `tfjs` engine for them. */
export const GPU_BACKENDS: readonly string[] = ['webgl', 'webgpu', 'tensorflow'];

/** The global engine tfjs-core installs when the app loads it (`globalThis._tfengine`). */
interface TfGlobalEngine {
  backendName: string | null;
  readonly backend: unknown;
}

/**
 * The active tfjs backend's name; undefined when the app has not loaded `@tensorflow/tfjs-core`
 * (seen through the global engine it installs: nothing is imported here) or no backend can be
 * initialised synchronously.
 */
export function activeBackend(): string | undefined {
  const engine = (globalThis as { _tfengine?: TfGlobalEngine })._tfengine;
  if (!engine) return undefined;
  try {
    if (engine.backendName == null) void engine.backend;
    return engine.backendName ?? undefined;
  } catch {
    return engine.backendName ?? undefined;
  }
}

let tfPromise: Promise<TfModule> | undefined;

/** Imports `@tensorflow/tfjs-core` once; a typed error saying what to install when it is missing. */
async function loadTfjs(): Promise<TfModule> {
  tfPromise ??= import('@tensorflow/tfjs-core').catch((e: unknown) => {
    tfPromise = undefined;
    throw new UnsupportedEngineError({
      engine: 'tfjs',
      reason:
        '@tensorflow/tfjs-core is not installed (an optional peer of @fmnist/knn). Install it and a ' +
        "backend (npm i @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu), or use engine 'auto'.",
      cause: e,
    });
  });
  return tfPromise;
}

/** Statistics of the tfjs engine, for benchmarks and tests. */
export interface TfjsStats {
  queries: number;
  /** Queries whose candidates could not be certified and were searched exactly on the CPU. */
  fallbacks: number;
}

/**
 * The unit roundoff assumed for the device's arithmetic: 2^-24 for float32 backends, 2^-11 when the
 * backend computes in float16 (`floatPrecision() === 16`) or may use TF32 tensor cores (tfjs-node-gpu).
 */
function roundingUnit(tf: TfModule): number {
  const name = activeBackend();
  let precision = 32;
  try {
    precision = tf.backend().floatPrecision();
  } catch {
    // keep 32
  }
  return precision === 16 || name === 'tensorflow' ? 2 ** -11 : 2 ** -24;
}

/**
 * Brute force on the active TensorFlow.js backend (a GPU one above all), made exact: the device
 * ranks all rows in float32 (‖q‖² − 2q·t + ‖t‖², a matrix product; for cosine 1 − q̂·t̂ of unit
 * rows normalised in float64; for manhattan Σ|q − t|) and returns k' = 2k + 16
 * candidates per query; the CPU computes their exact distances and certifies the result: every row
 * left out was ranked at or beyond the k'-th candidate, so its true distance is at least that value
 * minus a bound on the device's rounding error; when the exact k-th distance is below that, no row
 * left out can be among the k nearest. A query that cannot be certified (rare; a float16 device,
 * huge values) is searched exactly on the CPU.
 *
 * The training rows stay on the device between calls (2–3 tensors) until {@link dispose}.
 */
export class TfjsEngine implements Engine {
  readonly name = 'tfjs' as const;
  stats: TfjsStats = { queries: 0, fallbacks: 0 };
  private trainT: Tf.Tensor2D | undefined; // d × n (pre-transposed for the product)
  private trainRows: Tf.Tensor2D | undefined; // n × d (manhattan)
  private trainAux: Tf.Tensor2D | undefined; // 1 × n: ‖t‖² (sqeuclidean)
  private maxSq = 0;

  private constructor(
    private readonly tf: TfModule,
    private readonly train: TrainingSet,
  ) {}

  /** Loads tfjs-core (once per process) and checks that a backend is ready. */
  static async create(train: TrainingSet): Promise<TfjsEngine> {
    const tf = await loadTfjs();
    let backend: string | undefined;
    try {
      backend = tf.getBackend() ?? undefined;
      if (!backend) {
        await tf.ready();
        backend = tf.getBackend() ?? undefined;
      }
    } catch {
      backend = undefined;
    }
    if (!backend) {
      throw new UnsupportedEngineError({
        engine: 'tfjs',
        reason:
          'no TensorFlow.js backend is registered: import one (e.g. @tensorflow/tfjs-backend-cpu, ' +
          "-wasm or -webgl) and await tf.ready(), or use engine 'auto'.",
      });
    }
    return new TfjsEngine(tf, train);
  }

  counters(): EngineCounters {
    return { threads: 1, indexSeconds: 0, fallbacks: this.stats.fallbacks };
  }

  private upload(metric: CoreMetric): void {
    const { tf } = this;
    const { matrix: m } = this.train;
    if (this.uploaded === metric) return;
    this.dispose();
    this.uploaded = metric;
    this.maxSq = 0;
    this.maxAbs = 0;
    for (let i = 0; i < m.data.length; i++)
      this.maxAbs = Math.max(this.maxAbs, Math.abs(m.data[i]));
    if (metric === 'manhattan') {
      this.trainRows = tf.keep(tf.tensor2d(asFloat32(m), [m.n, m.d]));
      return;
    }
    // d × n, pre-transposed for the product; cosine uploads unit rows (normalised in float64).
    const t = new Float32Array(m.n * m.d);
    const aux = new Float32Array(m.n);
    for (let i = 0; i < m.n; i++) {
      const nrm = rowNorm(m.data, i * m.d, m.d);
      this.maxSq = Math.max(this.maxSq, nrm * nrm);
      aux[i] = nrm * nrm;
      // sqeuclidean stores 2t (exact in float32) so that the product gives 2q·t directly.
      const scale = metric === 'cosine' ? (nrm > 0 ? 1 / nrm : 0) : 2;
      for (let j = 0; j < m.d; j++) t[j * m.n + i] = m.data[i * m.d + j] * scale;
    }
    this.trainT = tf.keep(tf.tensor2d(t, [m.d, m.n]));
    if (metric === 'sqeuclidean') this.trainAux = tf.keep(tf.tensor2d(aux, [1, m.n]));
  }
  private uploaded: CoreMetric | undefined;
  private maxAbs = 0;

  /**
   * A score per row of a query chunk, [q, n], on the device, that decreases with the distance:
   * sqeuclidean 2q·t − ‖t‖² (= ‖q‖² − distance), cosine q̂·t̂ (= 1 − distance), manhattan −Σ|q − t|.
   * The search turns the k'-th score back into a distance to certify the candidates.
   */
  private scores(metric: CoreMetric, q: Tf.Tensor2D, budgetBytes: number): Tf.Tensor2D {
    const { tf } = this;
    if (metric === 'manhattan') {
      // [q, rows, d] differences, in slices of the training rows that fit the budget.
      const rows = this.trainRows as Tf.Tensor2D;
      const [n, d] = rows.shape;
      const slice = Math.max(1, Math.floor(budgetBytes / (q.shape[0] * d * 4 * 3)));
      const parts: Tf.Tensor2D[] = [];
      for (let r0 = 0; r0 < n; r0 += slice) {
        const part = tf.slice(rows, [r0, 0], [Math.min(slice, n - r0), d]);
        parts.push(
          tf.neg(
            tf.sum(tf.abs(tf.sub(tf.expandDims(q, 1), tf.expandDims(part, 0))), 2),
          ) as Tf.Tensor2D,
        );
      }
      return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as Tf.Tensor2D);
    }
    const dot = tf.matMul(q, this.trainT as Tf.Tensor2D);
    if (metric === 'sqeuclidean') return tf.sub(dot, this.trainAux as Tf.Tensor2D) as Tf.Tensor2D;
    return dot as Tf.Tensor2D;
  }

  async search(queries: Matrix, req: EngineRequest): Promise<EngineResult> {
    const { k, metric } = req;
    const { matrix: t } = this.train;
    const { n, d } = t;
    const m = queries.n;
    const kc = Math.min(n, 2 * k + 16);
    const indices = new Int32Array(m * k);
    const distances = new Float64Array(m * k);
    if (m === 0) return { indices, distances };
    this.upload(metric);
    const u = roundingUnit(this.tf);
    const { tf } = this;
    // Queries per chunk: the product's [q, n] output, the scores and top-k's working copies
    // (manhattan also slices the training rows so that its [q, rows, d] differences fit).
    const perQuery = metric === 'manhattan' ? n * 4 * 4 + d * 4 * 3 * 64 : n * 4 * 4;
    const qc = Math.max(1, Math.min(m, Math.floor(req.budgetBytes / perQuery)));
    const top = new TopK(k);
    // Beyond these magnitudes float32 could overflow on the device (inf − inf = NaN would break the
    // ranking's guarantee): such queries, or all of them, are searched exactly on the CPU.
    const deviceSafe = metric === 'manhattan' ? 2 * d * this.maxAbs < 1e37 : this.maxSq < 1e37;
    // Smallest float32 normal: a device may flush smaller values to zero at every operation.
    const tiny = 4 * (d + 4) * 2 ** -126;
    let done = 0;
    for (let c0 = 0; c0 < m; c0 += qc) {
      throwIfAborted(req.signal);
      const rows = Math.min(qc, m - c0);
      const qNorms = new Float64Array(rows);
      const qf = new Float32Array(rows * d);
      for (let i = 0; i < rows; i++) {
        const nrm = rowNorm(queries.data, (c0 + i) * d, d);
        qNorms[i] = nrm;
        const scale = metric === 'cosine' ? (nrm > 0 ? 1 / nrm : 0) : 1;
        for (let j = 0; j < d; j++) qf[i * d + j] = queries.data[(c0 + i) * d + j] * scale;
      }
      const [vals, idx] = tf.tidy(() => {
        const q = tf.tensor2d(qf, [rows, d]);
        const r = tf.topk(this.scores(metric, q, req.budgetBytes), kc, true);
        return [r.values, r.indices];
      });
      let approxVals: Float32Array;
      let candIdx: Int32Array;
      try {
        approxVals = (await vals.data()) as Float32Array;
        candIdx = (await idx.data()) as Int32Array;
      } finally {
        tf.dispose([vals, idx]);
      }
      for (let i = 0; i < rows; i++) {
        const qi = c0 + i;
        const qNorm = qNorms[i];
        const exact = (j: number) =>
          exactDistance({
            metric,
            a: queries.data,
            i: qi,
            b: t.data,
            j,
            d,
            normA: qNorm,
            normB: this.train.norms?.[j] ?? 0,
          });
        top.reset();
        for (let c = 0; c < kc; c++) {
          const j = candIdx[i * kc + c];
          top.push(exact(j), j);
        }
        // The smallest approximate distance among the rows left out is ≥ the last candidate's.
        const last = approxVals[i * kc + kc - 1];
        const cut =
          metric === 'sqeuclidean' ? qNorms[i] ** 2 - last : metric === 'cosine' ? 1 - last : -last;
        let bound: number;
        if (metric === 'sqeuclidean')
          bound = cut - 4 * (d + 4) * u * (qNorms[i] ** 2 + this.maxSq) - tiny;
        else if (metric === 'manhattan') bound = cut * (1 - 4 * (d + 2) * u) - tiny;
        else bound = cut - 8 * (d + 4) * u - tiny;
        const safe = deviceSafe && (metric !== 'sqeuclidean' || qNorms[i] ** 2 < 1e37);
        const certified = kc === n || (safe && Number.isFinite(cut) && top.dist[k - 1] < bound);
        if (!certified) {
          this.stats.fallbacks++;
          top.reset();
          for (let j = 0; j < n; j++) {
            top.push(exact(j), j);
          }
        }
        indices.set(top.idx, qi * k);
        distances.set(top.dist, qi * k);
      }
      done += rows;
      this.stats.queries += rows;
      req.onProgress?.(done);
    }
    throwIfAborted(req.signal);
    return { indices, distances };
  }

  /** Releases the tensors kept on the device. */
  dispose(): void {
    this.tf.dispose(
      [this.trainT, this.trainRows, this.trainAux].filter((x): x is Tf.Tensor2D => !!x),
    );
    this.uploaded = undefined;
    this.trainT = undefined;
    this.trainRows = undefined;
    this.trainAux = undefined;
  }
}
