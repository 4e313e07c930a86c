/**
 * The straightforward float64 reference the tests compare every engine with: all distances of a
 * query computed with a plain loop, then a full sort by (distance, row). No pruning, no top-k
 * structure, no WebAssembly. Test helpers (CONTRIBUTING, "Test helpers"): not exported by the package.
 */
export type RefMetric = 'sqeuclidean' | 'manhattan' | 'cosine';

type Rows = ArrayLike<number>;

function norm(a: Rows, o: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[o + t] * a[o + t];
  return Math.sqrt(s);
}

/**
 * The distance between row i of `a` and row j of `b`. For cosine, `na` / `nb` are the rows' norms
 * (computed here when not given).
 */
function refDistance(options: {
  metric: RefMetric;
  a: Rows;
  i: number;
  b: Rows;
  j: number;
  d: number;
  normA?: number;
  normB?: number;
}): number {
  const { metric, a, i, b, j, d } = options;
  const na = options.normA ?? (metric === 'cosine' ? norm(a, i * d, d) : 0);
  const nb = options.normB ?? (metric === 'cosine' ? norm(b, j * d, d) : 0);
  let s = 0;
  if (metric === 'sqeuclidean') {
    for (let t = 0; t < d; t++) {
      const v = a[i * d + t] - b[j * d + t];
      s += v * v;
    }
    return s;
  }
  if (metric === 'manhattan') {
    for (let t = 0; t < d; t++) s += Math.abs(a[i * d + t] - b[j * d + t]);
    return s;
  }
  for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
  return na === 0 || nb === 0 ? 1 : Math.min(2, Math.max(0, 1 - s / (na * nb)));
}

/** k nearest rows of each query by full sort; ties by smaller row. m × k arrays. */
export function refKneighbors(options: {
  metric: RefMetric;
  train: Rows;
  /** Training rows. */
  n: number;
  queries: Rows;
  /** Query rows. */
  m: number;
  d: number;
  k: number;
}): { indices: Int32Array; distances: Float64Array } {
  const { metric, train, n, queries, m, d, k } = options;
  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  const all = new Float64Array(n);
  const order = new Int32Array(n);
  const trainNorms = new Float64Array(n);
  if (metric === 'cosine') for (let j = 0; j < n; j++) trainNorms[j] = norm(train, j * d, d);
  for (let q = 0; q < m; q++) {
    const qn = metric === 'cosine' ? norm(queries, q * d, d) : 0;
    for (let j = 0; j < n; j++) {
      all[j] = refDistance({
        metric,
        a: queries,
        i: q,
        b: train,
        j,
        d,
        normA: qn,
        normB: trainNorms[j],
      });
      order[j] = j;
    }
    order.sort((x, y) => all[x] - all[y] || x - y);
    for (let r = 0; r < k; r++) {
      indices[q * k + r] = order[r];
      distances[q * k + r] = all[order[r]];
    }
  }
  return { indices, distances };
}

/**
 * The reference vote, written as scikit-learn does it: weights 1 or 1/d (zero distances take all
 * the weight), summed per label in neighbour order; the best score wins, ties to the smallest
 * label (`sklearn`) or to the label of the nearest tied neighbour (`nearest`).
 */
export function refVote(options: {
  labels: ArrayLike<number>;
  indices: Int32Array;
  /** The distances as reported (euclidean: not squared), m × k. */
  distances: Float64Array;
  m: number;
  k: number;
  weights: 'uniform' | 'distance';
  tieBreak: 'sklearn' | 'nearest';
}): Int32Array {
  const { labels, indices, distances: reported, m, k, weights, tieBreak } = options;
  const out = new Int32Array(m);
  for (let q = 0; q < m; q++) {
    const ds = Array.from(reported.subarray(q * k, (q + 1) * k));
    const anyZero = ds.some((x) => x === 0);
    const score = new Map<number, number>();
    for (let j = 0; j < k; j++) {
      const w = weights === 'uniform' ? 1 : anyZero ? (ds[j] === 0 ? 1 : 0) : 1 / ds[j];
      const l = labels[indices[q * k + j]];
      score.set(l, (score.get(l) ?? 0) + w);
    }
    const best = Math.max(...score.values());
    const tied = [...score.entries()].filter(([, s]) => s === best).map(([l]) => l);
    if (tieBreak === 'sklearn') out[q] = Math.min(...tied);
    else {
      for (let j = 0; j < k; j++) {
        const l = labels[indices[q * k + j]];
        if (tied.includes(l)) {
          out[q] = l;
          break;
        }
      }
    }
  }
  return out;
}
