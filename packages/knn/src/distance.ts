import type { Matrix } from './matrix.js';

/**
 * Distances and top-k selection shared by the JavaScript and tfjs engines (internal: not exported
 * from the package entry points).
 * @internal
 */

/** The distances offered. `euclidean` ranks by the squared distance and reports its square root. */
export type Metric = 'euclidean' | 'sqeuclidean' | 'manhattan' | 'cosine';

/** The metrics as computed internally (`euclidean` is searched as `sqeuclidean`). */
export type CoreMetric = 'sqeuclidean' | 'manhattan' | 'cosine';

export const METRIC_CODE: Record<CoreMetric, number> = { sqeuclidean: 0, manhattan: 1, cosine: 2 };

export function coreMetric(metric: Metric): CoreMetric {
  return metric === 'euclidean' ? 'sqeuclidean' : metric;
}

type Row = Uint8Array | Float32Array;

/**
 * sqrt(Σ a_i²) in float64, in index order: the norm the cosine distance divides by. Every engine
 * computes it the same way, so cosine distances are bit-identical across engines.
 */
export function rowNorm(a: Row, offset: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const v = a[offset + i];
    s += v * v;
  }
  return Math.sqrt(s);
}

/**
 * The exact distance between row `i` of `a` and row `j` of `b`, accumulated in float64 in index
 * order. On integer (uint8) data every partial sum is an exact integer, so the result equals the
 * WebAssembly kernels' integer arithmetic; on float32 data it is the same sequence of float64
 * operations as those kernels. For cosine, `na`/`nb` are the rows' {@link rowNorm}s; the result is
 * 1 − a·b/(‖a‖‖b‖) clipped to [0, 2] (as scikit-learn), and 1 when either row is all zeros.
 */
export function exactDistance(options: {
  metric: CoreMetric;
  a: Row;
  /** Row of `a`. */
  i: number;
  b: Row;
  /** Row of `b`. */
  j: number;
  /** Features per row. */
  d: number;
  /** cosine: ‖row i of a‖. */
  normA?: number;
  /** cosine: ‖row j of b‖. */
  normB?: number;
}): number {
  const { metric, a, i, b, j, d, normA: na = 0, normB: nb = 0 } = options;
  const oa = i * d;
  const ob = j * d;
  let s = 0;
  if (metric === 'sqeuclidean') {
    for (let t = 0; t < d; t++) {
      const v = a[oa + t] - b[ob + t];
      s += v * v;
    }
    return s;
  }
  if (metric === 'manhattan') {
    for (let t = 0; t < d; t++) s += Math.abs(a[oa + t] - b[ob + t]);
    return s;
  }
  for (let t = 0; t < d; t++) s += a[oa + t] * b[ob + t];
  if (na === 0 || nb === 0) return 1;
  // Clipped to [0, 2] as scikit-learn's cosine_distances does (rounding can give 1 − cos < 0).
  return Math.min(2, Math.max(0, 1 - s / (na * nb)));
}

/** All row norms of a matrix (for the cosine metric). */
export function rowNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = rowNorm(m.data, i * m.d, m.d);
  return out;
}

/** `true` when (d1, i1) comes before (d2, i2): nearer first, then the smaller training index. */
function before(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 < d2 || (d1 === d2 && i1 < i2);
}

/**
 * A sorted buffer of the k best (distance, index) pairs, nearer first, ties by smaller index.
 * Insertion is O(k), which beats a heap for the small k of a classifier.
 */
export class TopK {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  count = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }
  reset(): void {
    this.count = 0;
  }
  /** The current k-th distance, or +Infinity while fewer than k are held. */
  get worst(): number {
    return this.count < this.k ? Number.POSITIVE_INFINITY : this.dist[this.k - 1];
  }
  push(d: number, j: number): void {
    const { k, dist, idx } = this;
    let pos = this.count;
    if (pos === k) {
      if (!before(d, j, dist[k - 1], idx[k - 1])) return;
      pos = k - 1;
    } else {
      this.count++;
    }
    while (pos > 0 && before(d, j, dist[pos - 1], idx[pos - 1])) {
      dist[pos] = dist[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    dist[pos] = d;
    idx[pos] = j;
  }
}
