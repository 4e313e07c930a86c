import { type CoreMetric, exactDistance, rowNorms } from '../distance.js';
import { UnsupportedEngineError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import { ordered, orderedData } from '../wasm/resident.js';
import { preloadKernels, wasmSimdSupported } from '../wasm/runtime.js';
import { WasmSearch } from '../wasm/search.js';
import { JsEngine } from './js.js';
import { activeBackend, GPU_BACKENDS, TfjsEngine } from './tfjs.js';
import type { Engine, EngineName, ResolvedEngineName } from './types.js';
import { WasmEngine } from './wasm.js';

/** Below this many training rows `auto` uses brute force: an index would not pay for itself. */
const PRUNE_MIN_ROWS = 2048;
/** Training rows of the sample on which `auto` measures how concentrated distances are. */
const CONTRAST_ROWS = 2048;
/** Training rows (outside that sample) used as queries by `auto`'s estimate. */
const ESTIMATE_QUERIES = 8;
/**
 * `auto` does not try pruning when the k-th nearest distance (in a sample, k scaled to it) is more
 * than this share of the mean distance: no lower bound can separate rows that are all about equally
 * far (Gaussian data in 256 dimensions: about 0.7; Fashion-MNIST: about 0.2).
 */
const CONTRAST_MAX = 0.5;
/**
 * `auto` prunes when the estimated share of training rows whose exact distance the pruned search
 * computes is at most this: above it, the bounds cost more than the brute-force scan saves.
 */
const PRUNE_MAX_EXACT_SHARE = 0.1;

/** What `auto` measured to choose an engine. */
export interface AutoEstimate {
  /**
   * Median over the sample queries of (k-th nearest distance) / (mean distance) in the sample, k
   * scaled to the sample: near 1, distances are concentrated and nothing can be pruned.
   */
  contrast: number;
  /** Measured share of training rows whose exact distance `pruned` computed per query (NaN: not tried). */
  prunedExactShare: number;
  /** Training rows of the contrast sample, and training rows searched as queries. */
  sampleRows: number;
  sampleQueries: number;
  /** Seconds the estimate took. */
  seconds: number;
}

/** What the engines need to know about the fitted model. */
export interface EngineHost {
  train: Matrix;
  metric: CoreMetric;
  /** Largest |feature| of the training rows. */
  maxAbs: number;
  threads: number;
  pcaSamples: number;
  seed: number;
  k: number;
}

/**
 * The engines of one fitted model, made on first use and shared (`pruned`, `matmul` and `brute`
 * share one copy of the rows in WebAssembly memory), and `auto`'s choice among them.
 */
export class EngineSet {
  private wasm: Promise<WasmSearch> | undefined;
  private readonly made = new Map<ResolvedEngineName, Promise<Engine>>();
  /** The engines made so far (disposed synchronously by {@link dispose}). */
  private readonly ready: Engine[] = [];
  private disposed = false;
  private auto: Promise<ResolvedEngineName> | undefined;
  private norms: Float64Array | undefined;
  /** The estimate behind `auto`'s choice, once made. */
  estimate: AutoEstimate | undefined;
  /** `auto`'s choice, once made. */
  autoChoice: ResolvedEngineName | undefined;

  constructor(private readonly host: EngineHost) {
    preloadKernels(host.threads > 1);
  }

  /** Whether the `pruned` bounds can serve this metric and these magnitudes. */
  get prunable(): boolean {
    return this.host.metric !== 'manhattan' && this.host.maxAbs <= 1e15;
  }

  /** The brute-force engine for this data: `matmul` for float32 rows (not manhattan), else `brute`. */
  get bruteEngine(): 'matmul' | 'brute' {
    return this.host.train.kind === 'f32' && this.host.metric !== 'manhattan' ? 'matmul' : 'brute';
  }

  /**
   * Checks that `name` can run here (throws {@link UnsupportedEngineError} if not). For `auto`,
   * the choice made so far without measuring: the tfjs engine on a GPU backend, `js` without
   * WebAssembly SIMD, brute force when pruning cannot apply, else undefined (to be estimated).
   */
  check(name: EngineName): ResolvedEngineName | undefined {
    if (name !== 'auto') {
      if ((name === 'pruned' || name === 'brute' || name === 'matmul') && !wasmSimdSupported()) {
        throw new UnsupportedEngineError({
          engine: name,
          reason: "this JavaScript engine has no WebAssembly SIMD; use 'js' (or 'auto').",
        });
      }
      if (name === 'pruned' && !this.prunable) {
        throw new UnsupportedEngineError({
          engine: name,
          reason:
            this.host.metric === 'manhattan'
              ? "its bounds are Euclidean; use 'brute' (or 'auto') for the manhattan metric."
              : "features larger than 1e15 in magnitude would overflow its float32 bounds; use 'matmul' or 'brute'.",
        });
      }
      if (name === 'matmul' && this.host.metric === 'manhattan') {
        throw new UnsupportedEngineError({
          engine: name,
          reason: "the manhattan metric has no matrix-product form; use 'brute' (or 'auto').",
        });
      }
      return name;
    }
    if (this.autoChoice) return this.autoChoice;
    const backend = activeBackend();
    if (backend && GPU_BACKENDS.includes(backend) && this.host.metric !== 'manhattan')
      return 'tfjs';
    if (!wasmSimdSupported()) return 'js';
    if (!this.prunable || this.host.train.n < PRUNE_MIN_ROWS) return this.bruteEngine;
    return undefined;
  }

  /** The engine `name` resolves to, estimating for `auto` when needed (once per fit). */
  async resolve(name: EngineName, signal?: AbortSignal): Promise<ResolvedEngineName> {
    const now = this.check(name);
    if (now) return now;
    this.auto ??= this.estimatePruning(signal).then(
      (choice) => {
        this.autoChoice = choice;
        return choice;
      },
      (e: unknown) => {
        this.auto = undefined;
        throw e;
      },
    );
    return this.auto;
  }

  /**
   * The engine a search with option `engine: name` runs on: resolved (estimated for `auto`), made
   * on first use. `auto` falls back from `matmul` to `brute` where the former cannot run.
   */
  async forSearch(name: EngineName, signal?: AbortSignal): Promise<Engine> {
    const resolved = await this.resolve(name, signal);
    if (name === 'auto' && resolved === 'matmul') {
      try {
        return await this.get('matmul', signal);
      } catch (e) {
        if (!UnsupportedEngineError.isInstance(e)) throw e;
        this.autoChoice = 'brute';
        return this.get('brute', signal);
      }
    }
    return this.get(resolved, signal);
  }

  /** The engine of that name, made on first use. */
  get(name: ResolvedEngineName, signal?: AbortSignal): Promise<Engine> {
    let p = this.made.get(name);
    if (!p) {
      const made = this.make(name, signal);
      p = made;
      this.made.set(name, made);
      made.then(
        (e) => {
          if (this.disposed) e.dispose();
          else this.ready.push(e);
        },
        () => {
          if (this.made.get(name) === made) this.made.delete(name);
        },
      );
    }
    return p;
  }

  private async make(name: ResolvedEngineName, signal?: AbortSignal): Promise<Engine> {
    const { host } = this;
    // (`ordered`: the rows in the caller's order, should a pruned index have reordered fit()'s copy.)
    if (name === 'js')
      return new JsEngine({ matrix: ordered(host.train), norms: this.trainNorms() });
    if (name === 'tfjs') {
      return TfjsEngine.create({ matrix: ordered(host.train), norms: this.trainNorms() });
    }
    const wasm = await this.wasmSearch(signal);
    if (name === 'pruned') {
      await wasm.addIndex(host.train, {
        metric: host.metric,
        pcaSamples: host.pcaSamples,
        seed: host.seed,
        signal,
      });
    }
    if (name === 'matmul' && !(await wasm.prepareMatmul(signal))) {
      throw new UnsupportedEngineError({
        engine: 'matmul',
        reason:
          host.train.kind === 'u8'
            ? "it searches float rows, and these are bytes (0..255 integers); use 'pruned' or 'brute'."
            : "the manhattan metric has no matrix-product form; use 'brute'.",
      });
    }
    return new WasmEngine(name, wasm);
  }

  private trainNorms(): Float64Array | undefined {
    if (this.host.metric !== 'cosine') return undefined;
    this.norms ??= rowNorms(ordered(this.host.train));
    return this.norms;
  }

  private wasmSearch(signal?: AbortSignal): Promise<WasmSearch> {
    if (!this.wasm) {
      const { host } = this;
      const created = WasmSearch.create(host.train, {
        metric: host.metric,
        pruned: false,
        threads: host.threads,
        pcaSamples: host.pcaSamples,
        seed: host.seed,
        signal,
      });
      this.wasm = created;
      created.catch(() => {
        if (this.wasm === created) this.wasm = undefined;
      });
    }
    return this.wasm;
  }

  /**
   * `auto` between pruning and brute force, in two steps. (1) The distances of a few training rows
   * to a sample of the others, in JavaScript: when the k-th nearest (k scaled to the sample, so it
   * sits at the same quantile as the full search's) is more than {@link CONTRAST_MAX} of the mean
   * distance, distances are too concentrated for any bound to prune (high intrinsic dimension) and
   * brute force is chosen without building the index. (2) Otherwise the pruned index is built and
   * a few training rows are searched with it (k + 1: each finds itself): when the share of rows
   * whose exact distance it computed exceeds {@link PRUNE_MAX_EXACT_SHARE}, brute force is chosen.
   */
  private async estimatePruning(signal?: AbortSignal): Promise<ResolvedEngineName> {
    const t0 = performance.now();
    const { host } = this;
    const { train, metric } = host;
    const { n, d } = train;
    const rows = Math.min(CONTRAST_ROWS, Math.floor(n / 2));
    const step = n / rows;
    const nq = Math.min(ESTIMATE_QUERIES, rows);
    const sampleRows = Array.from({ length: rows }, (_, i) => Math.floor(i * step));
    // The rows just after some sample rows: never in the sample (step ≥ 2).
    const queryRows = Array.from(
      { length: nq },
      (_, j) => sampleRows[Math.floor(((j + 0.5) * rows) / nq)] + 1,
    );
    const norms = metric === 'cosine' ? this.trainNorms() : undefined;
    const rowsNow = orderedData(train);
    const ks = Math.max(1, Math.min(rows, Math.round((host.k * rows) / n)));
    const ratios: number[] = [];
    const dist = new Float64Array(rows);
    for (const q of queryRows) {
      let sum = 0;
      for (let s = 0; s < rows; s++) {
        const v = exactDistance({
          metric,
          a: rowsNow,
          i: q,
          b: rowsNow,
          j: sampleRows[s],
          d,
          normA: norms?.[q],
          normB: norms?.[sampleRows[s]],
        });
        dist[s] = v;
        sum += v;
      }
      const mean = sum / rows;
      const kth = dist.sort()[ks - 1];
      ratios.push(mean > 0 ? kth / mean : 0);
    }
    ratios.sort((a, b) => a - b);
    const contrast = ratios[Math.floor(ratios.length / 2)];
    let share = Number.NaN;
    let choice: ResolvedEngineName;
    if (contrast > CONTRAST_MAX) {
      choice = this.bruteEngine;
    } else {
      // The probe rows are copied before the index is built (it may reorder fit()'s rows).
      const probe: Matrix = {
        kind: train.kind,
        data: train.kind === 'u8' ? new Uint8Array(nq * d) : new Float32Array(nq * d),
        n: nq,
        d,
      };
      queryRows.forEach((r, i) => {
        probe.data.set(rowsNow.subarray(r * d, (r + 1) * d), i * d);
      });
      const engine = await this.get('pruned', signal);
      const wasm = await this.wasmSearch(signal);
      const before = wasm.stats.exact;
      await engine.search(probe, {
        k: Math.min(n, host.k + 1),
        metric,
        budgetBytes: 1 << 24,
        signal,
      });
      share = (wasm.stats.exact - before) / (nq * n);
      // The probe is not the caller's search: its counters start again from zero.
      wasm.stats = { queries: 0, exact: 0, secondBound: 0, rows: n };
      choice = share <= PRUNE_MAX_EXACT_SHARE ? 'pruned' : this.bruteEngine;
    }
    this.estimate = {
      contrast,
      prunedExactShare: share,
      sampleRows: rows,
      sampleQueries: nq,
      seconds: (performance.now() - t0) / 1000,
    };
    return choice;
  }

  /** A new set for the same model, keeping `auto`'s choice (its engines are made again on use). */
  fresh(): EngineSet {
    const set = new EngineSet(this.host);
    set.autoChoice = this.autoChoice;
    set.estimate = this.estimate;
    return set;
  }

  /** Stops worker threads and releases device tensors and memory. */
  dispose(): void {
    this.disposed = true;
    for (const e of this.ready.splice(0)) e.dispose();
    this.made.clear();
    this.wasm?.then((s) => s.dispose()).catch(() => undefined);
    this.wasm = undefined;
  }
}
