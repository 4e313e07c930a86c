/** How the k neighbours' labels are weighted. */
export type Weights = 'uniform' | 'distance';

/**
 * How a tie between classes with the same vote is broken.
 * - `sklearn`: the smallest label wins (what scikit-learn's `KNeighborsClassifier.predict` does:
 *   `scipy.stats.mode` / `weighted_mode` / `argmax` all return the first maximum of the sorted classes).
 * - `nearest`: the tied class of the nearest neighbour wins.
 */
export type TieBreak = 'sklearn' | 'nearest';

/**
 * The weight of each neighbour, as scikit-learn's `_get_weights`: `uniform` is 1; `distance` is
 * 1/distance, except that a query with neighbours at distance 0 gives weight 1 to those and 0 to
 * the others.
 */
function rowWeights(
  dist: Float64Array,
  o: number,
  k: number,
  weights: Weights,
  out: Float64Array,
): void {
  if (weights === 'uniform') {
    out.fill(1, 0, k);
    return;
  }
  let zero = false;
  for (let j = 0; j < k; j++) if (dist[o + j] === 0) zero = true;
  for (let j = 0; j < k; j++) {
    const dj = dist[o + j];
    out[j] = zero ? (dj === 0 ? 1 : 0) : 1 / dj;
  }
}

/**
 * Per-class scores of each query: the sum of its neighbours' weights, added in neighbour order (as
 * scikit-learn does). `neighbourClass` holds class positions (0..nClasses-1), m × k.
 */
export function classScores(options: {
  neighbourClass: Int32Array;
  /** Neighbour distances, m × k. */
  distances: Float64Array;
  m: number;
  k: number;
  nClasses: number;
  weights: Weights;
}): Float64Array {
  const { neighbourClass, distances: dist, m, k, nClasses, weights } = options;
  const scores = new Float64Array(m * nClasses);
  const w = new Float64Array(k);
  for (let q = 0; q < m; q++) {
    rowWeights(dist, q * k, k, weights, w);
    const s = q * nClasses;
    for (let j = 0; j < k; j++) scores[s + neighbourClass[q * k + j]] += w[j];
  }
  return scores;
}

/** The winning class position of each query from its scores, with the given tie-break. */
export function decide(options: {
  scores: Float64Array;
  neighbourClass: Int32Array;
  m: number;
  k: number;
  nClasses: number;
  tieBreak: TieBreak;
}): Int32Array {
  const { scores, neighbourClass, m, k, nClasses, tieBreak } = options;
  const out = new Int32Array(m);
  for (let q = 0; q < m; q++) {
    const s = q * nClasses;
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (scores[s + c] > scores[s + best]) best = c;
    if (tieBreak === 'nearest') {
      const top = scores[s + best];
      for (let j = 0; j < k; j++) {
        const c = neighbourClass[q * k + j];
        if (scores[s + c] === top) {
          best = c;
          break;
        }
      }
    }
    out[q] = best;
  }
  return out;
}

/** Scores normalised to sum 1 per query (scikit-learn's `predict_proba`; an all-zero row stays 0). */
export function normalizeScores(scores: Float64Array, m: number, nClasses: number): Float64Array {
  const out = new Float64Array(scores.length);
  for (let q = 0; q < m; q++) {
    let sum = 0;
    for (let c = 0; c < nClasses; c++) sum += scores[q * nClasses + c];
    const norm = sum === 0 ? 1 : sum;
    for (let c = 0; c < nClasses; c++) out[q * nClasses + c] = scores[q * nClasses + c] / norm;
  }
  return out;
}
