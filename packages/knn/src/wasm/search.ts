import { type CoreMetric, METRIC_CODE } from '../distance.js';
import type { Matrix } from '../matrix.js';
import { leadingEigenvectors } from '../pca.js';
import { createExecutor, type Executor, throwIfAborted } from './executor.js';
import {
  BASIS_COLS,
  CTX_BYTES,
  D1,
  D2,
  f32Stride,
  M,
  MAX_COMPONENTS,
  MF,
  u8Stride,
  W,
} from './layout.js';
import { orderedData, type ResidentRows } from './resident.js';
import { WasmHeap } from './runtime.js';

/** Counters of the pruned search, summed over threads (for benchmarks and tests). */
export interface PruneStats {
  /** Queries searched. */
  queries: number;
  /** Exact distances computed (seeds included). */
  exact: number;
  /** Rows that passed the first bound and had the second computed. */
  secondBound: number;
  /** Training rows. */
  rows: number;
}

export interface WasmSearchOptions {
  metric: CoreMetric;
  /** Build the principal-component bounds (needed by `pruned`). */
  pruned: boolean;
  threads: number;
  /** Rows sampled to estimate the principal components. */
  pcaSamples: number;
  seed: number;
  signal?: AbortSignal;
}

export interface SearchRequest {
  k: number;
  mode: 'pruned' | 'brute' | 'matmul';
  /** Bytes the per-call buffers (queries, results, scratch) may use. */
  budgetBytes: number;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

export interface SearchResult {
  indices: Int32Array;
  distances: Float64Array;
}

/** Query rows per job: small enough for a prompt abort and even balance. */
const PRUNED_JOB = 64;
const BRUTE_JOB = 32;
/** Most query rows per matmul job (each job streams the whole training set once). */
const MATMUL_JOB = 128;
/** Query rows of the first jobs (the ramp of {@link jobBounds}). */
const FIRST_JOB = 4;

/**
 * Job boundaries over `rows` query rows: `threads` jobs of FIRST_JOB rows, then `threads` of twice
 * that, and so on up to `jobRows`. V8 first runs a WebAssembly function as baseline (Liftoff) code,
 * several times slower on these SIMD loops, and switches to optimised code only on the next call,
 * never within a running one: with jobs of full size from the start, every thread spent its whole
 * first job in baseline code (0.5–0.9 s of a 2 s matmul search, measured on Gaussian 50,000 × 256).
 * Small first jobs make the switch happen early; the code is shared by all threads.
 */
export function jobBounds(rows: number, jobRows: number, threads: number): number[] {
  const bounds = [0];
  let size = Math.min(FIRST_JOB, jobRows);
  let sameSize = 0;
  for (let q = 0; q < rows; ) {
    q = Math.min(rows, q + size);
    bounds.push(q);
    if (++sameSize >= threads && size < jobRows) {
      size = Math.min(jobRows, size * 2);
      sameSize = 0;
    }
  }
  return bounds;
}
/** Bytes of training rows per block of the matmul scan (they stay in the core's L2 cache). */
const MATMUL_BLOCK_BYTES = 256 * 1024;
/** Training rows per cache block of the brute-force scan. */
const BRUTE_BLOCK_BYTES = 192 * 1024;
/** Rows whose first bound seeds the k-th distance. */
const SEED_ROWS = 16;

/**
 * The training set in WebAssembly memory, with (optionally) the principal-component bound index,
 * and the brute-force and pruned exact searches over it, on one or more threads.
 */
export class WasmSearch {
  readonly n: number;
  readonly d: number;
  readonly kind: 'u8' | 'f32';
  readonly metric: CoreMetric;
  pruned = false;
  stats: PruneStats;
  /** Bytes of WebAssembly memory the last search's working buffers took (query tiles, scratch, results). */
  workingBytes = 0;
  /** Seconds spent building the bound index (0 without it). */
  buildSeconds = 0;
  private readonly heap: WasmHeap;
  private readonly executor: Executor;
  private readonly model: number;
  private readonly works: number[] = [];
  private persistentTop: number;
  private matmulOk: boolean | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private zGrid: ZGrid | undefined;
  /** fit()'s memory, when this search adopted it. */
  private readonly resident: ResidentRows | undefined;

  private constructor(
    heap: WasmHeap,
    executor: Executor,
    train: Matrix,
    opts: WasmSearchOptions,
    resident: ResidentRows | undefined,
  ) {
    this.heap = heap;
    this.executor = executor;
    this.n = train.n;
    this.d = train.d;
    this.kind = train.kind;
    this.metric = opts.metric;
    this.stats = { queries: 0, exact: 0, secondBound: 0, rows: train.n };
    const { n, d } = train;
    const stride = train.kind === 'u8' ? u8Stride(d) : f32Stride(d);
    this.model = heap.allocZeroed(CTX_BYTES);
    this.resident = resident;
    // The rows fit() wrote into this memory are used where they lie; others are copied in.
    const trainPtr = resident ? resident.ptr : heap.alloc(n * stride);
    const data = resident ? train.data : orderedData(train);
    if (!resident && train.kind === 'u8') {
      const u8 = heap.u8();
      if (stride === d) u8.set(data as Uint8Array, trainPtr);
      else {
        u8.fill(0, trainPtr, trainPtr + n * stride);
        for (let i = 0; i < n; i++) {
          u8.set((data as Uint8Array).subarray(i * d, (i + 1) * d), trainPtr + i * stride);
        }
      }
    } else if (!resident && stride === d * 4) {
      heap.f32().set((data as Float32Array).subarray(0, n * d), trainPtr / 4);
    } else if (!resident) {
      const f32 = heap.f32();
      f32.fill(0, trainPtr / 4, (trainPtr + n * stride) / 4);
      for (let i = 0; i < n; i++) {
        f32.set((data as Float32Array).subarray(i * d, (i + 1) * d), (trainPtr + i * stride) / 4);
      }
    }
    const ctx = this.model;
    heap.setI(ctx, M.N, n);
    heap.setI(ctx, M.D, d);
    heap.setI(ctx, M.STRIDE, stride);
    heap.setI(ctx, M.U8, train.kind === 'u8' ? 1 : 0);
    heap.setI(ctx, M.METRIC, METRIC_CODE[opts.metric]);
    heap.setI(ctx, M.TRAIN, trainPtr);
    const orig = heap.alloc(n * 4, 4);
    const i32 = heap.i32();
    for (let i = 0; i < n; i++) i32[orig / 4 + i] = i;
    heap.setI(ctx, M.ORIG, orig);
    if (opts.metric === 'cosine') {
      const norms = heap.alloc(n * 8, 8);
      const f64 = heap.f64();
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let t = i * d, e = t + d; t < e; t++) s += data[t] * data[t];
        f64[norms / 8 + i] = Math.sqrt(s);
      }
      heap.setI(ctx, M.NORMS, norms);
    }
    // One work context per thread, with the scratch every kernel needs except per-call buffers.
    for (let s = 0; s < executor.size; s++) {
      const w = heap.allocZeroed(CTX_BYTES);
      // XT also holds bruteSqU8's 4 widened uint8 queries (8 · u8Stride(d) ≤ 4·d·8 + 16 for d ≥ 8).
      heap.setI(w, W.XT, heap.alloc(Math.max(4 * d * 8 + 16, 8 * u8Stride(d) + 16), 16));
      heap.setI(w, W.QS, heap.alloc(4 * D1 * 16));
      heap.setI(w, W.QC, heap.alloc(4 * D2 * 4));
      // 4 x 64 projections (f64), 4 x 16 stage-1 coordinates (f32), 4 squared norms (f64); the
      // brute-force scan keeps its job's query norms here (32 f64), bruteSqU8 16 bytes at +2048.
      heap.setI(w, W.PROJ, heap.alloc(4 * 64 * 8 + 4 * 16 * 4 + 128, 16));
      heap.setI(w, W.SEL_V, heap.alloc(SEED_ROWS * 4));
      heap.setI(w, W.MARK, heap.allocZeroed(n + 16));
      heap.setI(w, W.BLOCK_ROWS, Math.max(1, Math.floor(BRUTE_BLOCK_BYTES / stride)));
      this.works.push(w);
    }
    this.persistentTop = heap.mark();
  }

  /**
   * Copies the training rows into WebAssembly memory (or adopts the memory fit() wrote them to,
   * when no other search has) and builds the bound index when asked.
   */
  static async create(train: Matrix, opts: WasmSearchOptions): Promise<WasmSearch> {
    const resident =
      train.resident && !train.resident.claimed && opts.threads > 1 ? train.resident : undefined;
    let heap: WasmHeap;
    if (resident) {
      resident.claimed = true;
      try {
        heap = await WasmHeap.adopt(resident.memory, resident.ptr + train.n * resident.stride);
      } catch (e) {
        resident.claimed = false;
        throw e;
      }
    } else {
      heap = await WasmHeap.create(opts.threads > 1);
    }
    const executor = createExecutor(heap, opts.threads);
    const search = new WasmSearch(heap, executor, train, opts, resident);
    if (opts.pruned) {
      try {
        await search.addIndex(train, opts);
      } catch (e) {
        executor.dispose();
        throw e;
      }
    }
    return search;
  }

  /**
   * Builds the principal-component bound index (for the `pruned` mode) if not built yet. `train`
   * must be the matrix the search was created with. Queued after running searches.
   */
  addIndex(train: Matrix, opts: Omit<WasmSearchOptions, 'pruned' | 'threads'>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.pruned) return;
      const { heap, model: ctx, n, d } = this;
      const t0 = performance.now();
      const nBlocks = Math.ceil(n / 4);
      heap.setI(ctx, M.NBLOCKS, nBlocks);
      heap.setI(ctx, M.BLOCKS, heap.alloc(nBlocks * D1 * 16));
      heap.setI(ctx, M.COORDS, heap.alloc(n * D2 * 4));
      heap.setI(ctx, M.TNORM, heap.alloc(n * 8, 8));
      heap.setI(ctx, M.MEAN, heap.allocZeroed(d * 8, 16));
      heap.setI(ctx, M.BASIS, heap.allocZeroed(d * BASIS_COLS * 8, 16));
      heap.setI(ctx, M.NORMALIZE, this.metric === 'cosine' ? 1 : 0);
      for (const w of this.works) {
        heap.setI(w, W.LB, heap.alloc(4 * Math.ceil(n / 4) * 16));
        heap.setI(w, W.CAND_I, heap.alloc(n * 4 + 16));
        heap.setI(w, W.CAND_V, heap.alloc(n * 4 + 16));
      }
      this.persistentTop = heap.mark();
      await this.buildIndex(train, { ...opts, pruned: true, threads: this.threads });
      this.pruned = true;
      this.buildSeconds = (performance.now() - t0) / 1000;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  get threads(): number {
    return this.executor.size;
  }

  /** Bytes of WebAssembly memory held. */
  get memoryBytes(): number {
    return this.heap.memory.buffer.byteLength;
  }

  private async buildIndex(train: Matrix, opts: WasmSearchOptions): Promise<void> {
    const { heap, model: ctx } = this;
    const { n, d } = train;
    const i32 = () => heap.i32();
    // 1. Mean of the (transformed) sample rows, in float64.
    const m = Math.min(n, Math.max(1, opts.pcaSamples));
    const rows = new Int32Array(m);
    for (let s = 0; s < m; s++) rows[s] = Math.floor((s * n) / m);
    const mean = new Float64Array(d);
    // The sample rows as they lie in WebAssembly memory (in the caller's order until reorder()).
    const stride = heap.getI(ctx, M.STRIDE);
    const at = heap.getI(ctx, M.TRAIN);
    const data = this.kind === 'u8' ? heap.u8() : heap.f32();
    const unit = this.kind === 'u8' ? 1 : 4;
    for (let s = 0; s < m; s++) {
      const o = (at + rows[s] * stride) / unit;
      let scale = 1;
      if (opts.metric === 'cosine') {
        let q = 0;
        for (let t = 0; t < d; t++) q += data[o + t] * data[o + t];
        scale = q > 0 ? 1 / Math.sqrt(q) : 0;
      }
      for (let t = 0; t < d; t++) mean[t] += data[o + t] * scale;
    }
    for (let t = 0; t < d; t++) mean[t] /= m;
    heap.f64().set(mean, heap.getI(ctx, M.MEAN) / 8);
    // 2. Covariance (Gram matrix of the centred sample, held by dimension), upper triangle in
    // parallel.
    const mark = heap.mark();
    const ld = d + (d & 1);
    const mp = m + (m & 1) + 8; // 8 zero samples of padding: columns not a power of two apart
    const rowsPtr = heap.alloc(m * 4, 4);
    i32().set(rows, rowsPtr / 4);
    const xt = heap.allocZeroed(ld * mp * 8, 16);
    heap.kernels.centerRowsT(ctx, rowsPtr, m, xt, mp, heap.alloc(8 * d * 8, 16));
    const g = heap.allocZeroed(ld * ld * 8, 16);
    const cuts = triangleCuts(d, this.executor.size);
    await this.executor.run(
      cuts.length - 1,
      (i) => ({ fn: 'gramCols', args: [xt, mp, ld, d, cuts[i], cuts[i + 1], g] }),
      { signal: opts.signal },
    );
    {
      const f64 = heap.f64();
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) f64[g / 8 + i * ld + j] = f64[g / 8 + j * ld + i];
      }
    }
    throwIfAborted(opts.signal);
    // 3. Leading principal directions (orthonormal), into the d × 64 basis (column 63 stays zero).
    // The Lanczos products run in WebAssembly on the Gram matrix where it lies.
    const p = Math.min(MAX_COMPONENTS, d);
    const xv = heap.alloc(ld * 8, 16);
    const yv = heap.alloc(ld * 8, 16);
    const matvec = (x: Float64Array, y: Float64Array) => {
      heap.f64().set(x, xv / 8);
      heap.kernels.symv(g, ld, d, xv, yv);
      y.set(heap.f64().subarray(yv / 8, yv / 8 + d));
    };
    const gram = d <= 160 ? heap.f64().slice(g / 8, g / 8 + ld * ld) : new Float64Array(0);
    const vecs = leadingEigenvectors({ c: gram, ld, d, p, seed: opts.seed, matvec });
    heap.release(mark);
    const basis = new Float64Array(d * BASIS_COLS);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < p; j++) basis[i * BASIS_COLS + j] = vecs[i * p + j];
    heap.f64().set(basis, heap.getI(ctx, M.BASIS) / 8);
    // 4. Project every training row (rows in groups of 4), in parallel, small jobs first.
    const bounds = jobBounds(n, 1024, this.executor.size);
    await this.executor.run(
      bounds.length - 1,
      (i, slot) => ({
        fn: 'projectTrain',
        args: [ctx, this.works[slot], bounds[i], bounds[i + 1]],
      }),
      { signal: opts.signal },
    );
    this.reorder(basis, mean, opts.metric === 'cosine');
    const tnorm = heap.f64().subarray(heap.getI(ctx, M.TNORM) / 8, heap.getI(ctx, M.TNORM) / 8 + n);
    let maxNorm = 0;
    for (let i = 0; i < n; i++) if (tnorm[i] > maxNorm) maxNorm = tnorm[i];
    heap.setF(ctx, MF.MAXNORM, maxNorm);
    // Safety margins (README, "How `pruned` stays exact"). A row is skipped only when its float32
    // bound exceeds ((sqrt(s·τ) + m)(1 + EPS))²(1 + EPS), m = MARGIN_REL·(‖x − μ‖ + max‖y − μ‖) +
    // MARGIN_ABS. Worst cases: the float64 projection (γ_d per coordinate) and the float32 storage
    // move a row's bound vector by ≤ 1.4e-6·‖x − μ‖ (the residual norm, √ of a difference of
    // squares, dominates), so MARGIN_REL = 1e-5 is 7× that; the float32 sums of the bounds err by
    // ≤ 2.5e-6 relative, and the exact distances of float rows by ≤ 1e-13, so EPS = 1e-5 covers
    // both with room to spare; for cosine MARGIN_ABS = 1e-5 covers the ~1e-13 absolute error of
    // 1 − cos when τ is near 0. All of this loosens the bounds by ~0.001% on Fashion-MNIST.
    heap.setF(ctx, MF.MARGIN_REL, 1e-5);
    heap.setF(ctx, MF.EPS, 1e-5);
    heap.setF(ctx, MF.LBSCALE, opts.metric === 'cosine' ? 2 : 1);
    heap.setF(ctx, MF.MARGIN_ABS, opts.metric === 'cosine' ? 1e-5 : 0);
  }

  /**
   * Stores the rows in Z-order of their first three principal coordinates, so that rows that are
   * near each other are near in memory: the pruned search then touches far fewer pages and cache
   * lines, and queries visited in the same order reuse what the previous ones loaded. The caller's
   * row numbers are kept in M.ORIG (results and tie-breaking use them).
   */
  private reorder(basis: Float64Array, mean: Float64Array, normalize: boolean): void {
    const { heap, model: ctx, n, d } = this;
    const coordsPtr = heap.getI(ctx, M.COORDS);
    const f32 = heap.f32();
    const c = new Float64Array(n * 3);
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let j = 0; j < n; j++) {
      for (let a = 0; a < 3; a++) {
        const v = f32[coordsPtr / 4 + j * D2 + a];
        c[j * 3 + a] = v;
        if (v < lo[a]) lo[a] = v;
        if (v > hi[a]) hi[a] = v;
      }
    }
    this.zGrid = {
      lo,
      span: hi.map((h, a) => h - lo[a] || 1),
      basis3: new Float64Array(d * 3),
      mean,
      normalize,
    };
    for (let i = 0; i < d; i++)
      for (let a = 0; a < 3; a++) this.zGrid.basis3[i * 3 + a] = basis[i * BASIS_COLS + a];
    const keys = new Float64Array(n);
    for (let j = 0; j < n; j++) keys[j] = zKey(c, j, this.zGrid);
    const perm = orderByKey(keys);
    const stride = heap.getI(ctx, M.STRIDE);
    // In place, cycle by cycle (row p receives old row perm[p]), with one row of scratch: no
    // second copy of the training rows at the memory peak of the index build.
    const visited = new Uint8Array(n);
    const permuteRows = (ptr: number, rowBytes: number) => {
      if (!ptr) return;
      const u8 = heap.u8();
      const tmp = new Uint8Array(rowBytes);
      visited.fill(0);
      for (let start = 0; start < n; start++) {
        if (visited[start]) continue;
        tmp.set(u8.subarray(ptr + start * rowBytes, ptr + (start + 1) * rowBytes));
        let p = start;
        for (;;) {
          visited[p] = 1;
          const src = perm[p];
          if (src === start) {
            u8.set(tmp, ptr + p * rowBytes);
            break;
          }
          u8.copyWithin(ptr + p * rowBytes, ptr + src * rowBytes, ptr + (src + 1) * rowBytes);
          p = src;
        }
      }
    };
    permuteRows(heap.getI(ctx, M.TRAIN), stride);
    permuteRows(heap.getI(ctx, M.COORDS), D2 * 4);
    permuteRows(heap.getI(ctx, M.TNORM), 8);
    permuteRows(heap.getI(ctx, M.NORMS), 8);
    permuteRows(heap.getI(ctx, M.TAUX), 4);
    permuteRows(heap.getI(ctx, M.T16), Math.ceil(this.d / 8) * 16);
    // Stage-1 blocks: 4 rows interleaved per block, 16 coordinates each.
    const bPtr = heap.getI(ctx, M.BLOCKS) / 4;
    const f = heap.f32();
    const old = f.slice(bPtr, bPtr + Math.ceil(n / 4) * D1 * 4);
    for (let p = 0; p < n; p++) {
      const j = perm[p];
      const src = (j >> 2) * D1 * 4 + (j & 3);
      const dst = bPtr + (p >> 2) * D1 * 4 + (p & 3);
      for (let i = 0; i < D1; i++) f[dst + i * 4] = old[src + i * 4];
    }
    heap.i32().set(perm, heap.getI(ctx, M.ORIG) / 4);
    // fit()'s view of the rows now shows them in this order: record it for orderedData().
    if (this.resident) this.resident.order = perm;
  }

  /** The order in which to visit queries: the training rows' Z-order. */
  private queryOrder(q: Matrix): Int32Array {
    const g = this.zGrid;
    const order = Int32Array.from({ length: q.n }, (_, i) => i);
    if (!g) return order;
    const { d } = q;
    const c = new Float64Array(q.n * 3);
    const data = q.data;
    for (let i = 0; i < q.n; i++) {
      const o = i * d;
      let scale = 1;
      if (g.normalize) {
        let s = 0;
        for (let t = 0; t < d; t++) s += data[o + t] * data[o + t];
        scale = s > 0 ? 1 / Math.sqrt(s) : 0;
      }
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      for (let t = 0; t < d; t++) {
        const x = data[o + t] * scale - g.mean[t];
        c0 += x * g.basis3[t * 3];
        c1 += x * g.basis3[t * 3 + 1];
        c2 += x * g.basis3[t * 3 + 2];
      }
      c[i * 3] = c0;
      c[i * 3 + 1] = c1;
      c[i * 3 + 2] = c2;
    }
    const keys = new Float64Array(q.n);
    for (let i = 0; i < q.n; i++) keys[i] = zKey(c, i, g);
    return orderByKey(keys);
  }

  /**
   * Prepares the `matmul` mode (float32 rows, sqeuclidean or cosine) once: per-row ‖t‖² or 1/‖t‖
   * and, for sqeuclidean, the int16 copy of the rows, computed in parallel. Resolves to false when
   * the mode cannot run (bytes, manhattan). Where the norms leave float32's comfortable range (sums
   * of squares ≥ 1e36; cosine: a non-zero norm outside [1e-12, 1e12]) every query is scanned
   * exactly instead (slow, still exact). Queued after running searches.
   */
  prepareMatmul(signal?: AbortSignal): Promise<boolean> {
    const run = this.queue.then(async () => {
      if (this.matmulOk !== undefined) return this.matmulOk;
      if (this.kind !== 'f32' || this.metric === 'manhattan') {
        this.matmulOk = false;
        return false;
      }
      const { heap, model: ctx, n, d } = this;
      heap.setI(ctx, M.TAUX, heap.allocZeroed((n + 4) * 4));
      const useT16 = this.metric === 'sqeuclidean' && d <= 8192;
      const t16 = useT16 ? heap.alloc(n * Math.ceil(d / 8) * 16) : 0;
      const top = heap.mark();
      try {
        const out = heap.alloc(n * 16, 8);
        const chunk = 2048;
        const jobs = Math.ceil(n / chunk);
        await this.executor.run(
          jobs,
          (i) => ({ fn: 'matmulRowsA', args: [ctx, out, i * chunk, Math.min(n, (i + 1) * chunk)] }),
          { signal },
        );
        let tMax = 0;
        let maxAbs = 0;
        {
          const f64 = heap.f64();
          for (let j = 0; j < n; j++) {
            tMax = Math.max(tMax, f64[out / 8 + 2 * j]);
            maxAbs = Math.max(maxAbs, f64[out / 8 + 2 * j + 1]);
          }
          if (this.metric === 'cosine') {
            const p = heap.getI(ctx, M.NORMS) / 8;
            for (let j = 0; j < n; j++) {
              const r = f64[p + j];
              if (r !== 0 && (r < 1e-12 || r > 1e12)) tMax = Number.POSITIVE_INFINITY;
            }
          }
        }
        if (this.metric === 'sqeuclidean' && !(4 * tMax * tMax < 1e36)) {
          tMax = Number.POSITIVE_INFINITY;
        }
        heap.setF(ctx, MF.TMAX, tMax);
        const s16 = maxAbs / 1023;
        if (useT16 && s16 >= 1e-15 && s16 <= 1e15 && tMax < Number.POSITIVE_INFINITY) {
          heap.setI(ctx, M.T16, t16);
          await this.executor.run(
            jobs,
            (i) => ({
              fn: 'matmulRowsB',
              args: [ctx, out, i * chunk, Math.min(n, (i + 1) * chunk), 1023 / maxAbs],
            }),
            { signal },
          );
          let t1Max = 0;
          const f64 = heap.f64();
          for (let j = 0; j < n; j++) t1Max = Math.max(t1Max, f64[out / 8 + j]);
          heap.setF(ctx, MF.S16, s16);
          heap.setF(ctx, MF.T1MAX, t1Max);
        }
      } finally {
        heap.release(top);
      }
      this.persistentTop = top;
      this.matmulOk = true;
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Exact k nearest neighbours of every query row, nearest first (ties: smaller index first). */
  kneighbors(queries: Matrix, req: SearchRequest): Promise<SearchResult> {
    const run = this.queue.then(() => this.search(queries, req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async search(queries: Matrix, req: SearchRequest): Promise<SearchResult> {
    const { heap, model: ctx, n, d } = this;
    const { k } = req;
    const mq = queries.n;
    const indices = new Int32Array(mq * k);
    const distances = new Float64Array(mq * k);
    if (mq === 0) return { indices, distances };
    if (req.mode === 'pruned' && !this.pruned) throw new Error('pruned search without an index');
    if (req.mode === 'matmul' && !this.matmulOk) throw new Error('matmul search not prepared');
    // uint8 queries against float32 rows are searched as float32; float32 queries against uint8
    // rows use the mixed kernels.
    const qU8 = queries.kind === 'u8' && this.kind === 'u8';
    const qStride = qU8 ? u8Stride(d) : f32Stride(d);
    const matmul = req.mode === 'matmul';
    // matmul: jobs as large as allowed, but at least two per thread when there are enough queries.
    const jobRows =
      req.mode === 'pruned'
        ? PRUNED_JOB
        : matmul
          ? Math.max(2, Math.min(MATMUL_JOB, 2 * Math.ceil(mq / (4 * this.executor.size))))
          : BRUTE_JOB;
    const cap = 256 + 8 * k;
    // Per-call memory: per thread heaps and selection buffers, then the query rows and results.
    const perThread =
      jobRows * k * 12 +
      jobRows * 12 +
      SEED_ROWS * 4 +
      64 +
      (matmul
        ? (jobRows + 4) * 28 +
          jobRows * k * 4 +
          jobRows * cap * 8 +
          qStride +
          64 +
          (jobRows + 2) * Math.ceil(d / 8) * 16
        : 0);
    const perRow = qStride + k * 12;
    const fixed = perThread * this.executor.size;
    const chunkRows = Math.max(
      jobRows,
      Math.min(mq, Math.floor(Math.max(0, req.budgetBytes - fixed) / perRow / jobRows) * jobRows),
    );
    const mark = heap.mark();
    try {
      for (const w of this.works) {
        heap.setI(w, W.K, k);
        heap.setI(w, W.T, Math.min(n, Math.max(SEED_ROWS, k)));
        heap.setI(w, W.QU8, qU8 ? 1 : 0);
        heap.setI(w, W.HEAP_D, heap.alloc(jobRows * k * 8, 8));
        heap.setI(w, W.HEAP_I, heap.alloc(jobRows * k * 4, 4));
        heap.setI(w, W.SEL_I, heap.alloc(Math.max(jobRows, SEED_ROWS, k) * 4, 4));
        heap.setI(w, W.SEL_V, heap.alloc(Math.max(SEED_ROWS, k) * 4, 4));
        heap.setI(w, W.STAT_EXACT, 0);
        heap.setI(w, W.STAT_LB1PASS, 0);
        if (matmul) {
          const r4 = jobRows + 4;
          heap.setI(w, W.G_QAUX, heap.alloc(r4 * 4));
          heap.setI(w, W.G_MARGIN, heap.alloc(r4 * 4));
          heap.setI(w, W.G_THR, heap.alloc(r4 * 4));
          heap.setI(w, W.G_COUNT, heap.alloc(r4 * 4));
          heap.setI(w, W.G_QN, heap.alloc(r4 * 8, 8));
          heap.setI(w, W.G_KTH, heap.alloc(jobRows * k * 4));
          heap.setI(w, W.G_CI, heap.alloc(jobRows * cap * 4));
          heap.setI(w, W.G_CV, heap.alloc(jobRows * cap * 4));
          heap.setI(w, W.G_CAP, cap);
          heap.setI(w, W.G_TB, Math.max(4, Math.floor(MATMUL_BLOCK_BYTES / qStride)));
          heap.setI(w, W.G_ZERO, heap.allocZeroed(qStride));
          heap.setI(w, W.G_SCRATCH, heap.alloc(64));
          heap.setI(w, W.G_Q16, heap.alloc((jobRows + 2) * Math.ceil(d / 8) * 16));
          heap.setI(w, W.G_QSC, heap.alloc(r4 * 4));
        }
      }
      const qPtr = heap.alloc(chunkRows * qStride);
      const oIdx = heap.alloc(chunkRows * k * 4, 4);
      const oDist = heap.alloc(chunkRows * k * 8, 8);
      this.workingBytes = heap.mark() - mark;
      for (const w of this.works) {
        heap.setI(w, W.Q, qPtr);
        heap.setI(w, W.OUT_IDX, oIdx);
        heap.setI(w, W.OUT_DIST, oDist);
      }
      const order = req.mode === 'pruned' ? this.queryOrder(queries) : undefined;
      let done = 0;
      for (let c0 = 0; c0 < mq; c0 += chunkRows) {
        throwIfAborted(req.signal);
        const rowsHere = Math.min(chunkRows, mq - c0);
        this.copyQueries({
          q: queries,
          r0: c0,
          rows: rowsHere,
          ptr: qPtr,
          stride: qStride,
          asU8: qU8,
          order,
        });
        const bounds = jobBounds(rowsHere, jobRows, this.executor.size);
        const fn = req.mode === 'pruned' ? 'prunedRange' : matmul ? 'matmulRange' : 'bruteRange';
        await this.executor.run(
          bounds.length - 1,
          (i, slot) => ({ fn, args: [ctx, this.works[slot], bounds[i], bounds[i + 1], bounds[i]] }),
          {
            signal: req.signal,
            onJobDone: (i) => {
              done += bounds[i + 1] - bounds[i];
              req.onProgress?.(done);
            },
          },
        );
        const oi = heap.i32().subarray(oIdx / 4, oIdx / 4 + rowsHere * k);
        const od = heap.f64().subarray(oDist / 8, oDist / 8 + rowsHere * k);
        if (!order) {
          indices.set(oi, c0 * k);
          distances.set(od, c0 * k);
        } else {
          for (let r = 0; r < rowsHere; r++) {
            const dst = order[c0 + r] * k;
            indices.set(oi.subarray(r * k, (r + 1) * k), dst);
            distances.set(od.subarray(r * k, (r + 1) * k), dst);
          }
        }
      }
      if (req.mode === 'pruned') {
        this.stats.queries += mq;
        for (const w of this.works) {
          this.stats.exact += heap.getI(w, W.STAT_EXACT);
          this.stats.secondBound += heap.getI(w, W.STAT_LB1PASS);
        }
      }
    } finally {
      heap.release(Math.max(mark, this.persistentTop));
    }
    return { indices, distances };
  }

  /** Copies query rows r0..r0+rows (through `order` when given) to `ptr`, `stride` bytes apart. */
  private copyQueries(options: {
    q: Matrix;
    r0: number;
    rows: number;
    ptr: number;
    stride: number;
    asU8: boolean;
    order: Int32Array | undefined;
  }): void {
    const { q, r0, rows, ptr, stride, asU8, order } = options;
    const { d } = q;
    const row = (i: number) => (order ? order[r0 + i] : r0 + i);
    if (asU8) {
      const u8 = this.heap.u8();
      const src = q.data as Uint8Array;
      if (stride !== d) u8.fill(0, ptr, ptr + rows * stride);
      for (let i = 0; i < rows; i++) {
        const r = row(i);
        u8.set(src.subarray(r * d, (r + 1) * d), ptr + i * stride);
      }
      return;
    }
    const f32 = this.heap.f32();
    const base = ptr / 4;
    const s4 = stride / 4;
    f32.fill(0, base, base + rows * s4);
    const src = q.data;
    for (let i = 0; i < rows; i++) {
      const o = row(i) * d;
      const dst = base + i * s4;
      for (let t = 0; t < d; t++) f32[dst + t] = src[o + t];
    }
  }

  /** Stops the worker threads (if any). The search cannot be used afterwards. */
  dispose(): void {
    this.executor.dispose();
  }
}

interface ZGrid {
  lo: number[];
  span: number[];
  /** The first three basis columns, d × 3. */
  basis3: Float64Array;
  mean: Float64Array;
  normalize: boolean;
}

/** Bits per axis: 3 × 10 = 30-bit keys. */
const Z_BITS = 10;

/** The Z-order (Morton) key of point `i` of the n × 3 coordinates `c` on a 2^10-per-axis grid. */
function zKey(c: Float64Array, i: number, g: ZGrid): number {
  const cells = 1 << Z_BITS;
  let key = 0;
  const cell = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const v = Math.floor(((c[i * 3 + a] - g.lo[a]) / g.span[a]) * cells);
    cell[a] = Math.min(cells - 1, Math.max(0, v));
  }
  for (let b = Z_BITS - 1; b >= 0; b--) {
    for (let a = 0; a < 3; a++) key = key * 2 + ((cell[a] >> b) & 1);
  }
  return key;
}

/** Positions 0..n-1 sorted by (keys[i], i); keys are integers below 2^30. */
function orderByKey(keys: Float64Array): Int32Array {
  const n = keys.length;
  const order = new Int32Array(n);
  if (n < 2 ** 21) {
    // key · 2^21 + i is below 2^51, exact in a double: a plain numeric sort (no comparator) does it.
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i] * 2 ** 21 + i;
    packed.sort();
    for (let p = 0; p < n; p++) order[p] = packed[p] % 2 ** 21;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((x, y) => keys[x] - keys[y] || x - y);
}

/**
 * Row ranges of a d × d upper triangle for the Gram kernel, cut at multiples of 4 (its tile height):
 * first one range of 4 rows per thread (they run while V8 still has only baseline code for the
 * kernel; see {@link jobBounds}), then the rest in 4 ranges per thread of about equal area.
 */
function triangleCuts(d: number, threads: number): number[] {
  const cuts = [0];
  while (cuts.length <= threads && cuts[cuts.length - 1]! + 4 < d)
    cuts.push(cuts[cuts.length - 1]! + 4);
  const first = cuts[cuts.length - 1]!;
  const parts = Math.max(1, threads * 4);
  const total = ((d - first) * (d - first + 1)) / 2;
  let acc = 0;
  let next = total / parts;
  for (let i = first; i < d; i++) {
    acc += d - i;
    if (acc >= next && i + 1 < d) {
      cuts.push((i + 1) & ~3);
      next += total / parts;
    }
  }
  cuts.push(d);
  return [...new Set(cuts)];
}
