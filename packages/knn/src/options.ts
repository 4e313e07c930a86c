import { InvalidOptionError, UnknownOptionError } from './errors.js';

/**
 * Strict option checking: unknown keys and unknown values are errors with a "did you mean", the
 * names of other libraries (scikit-learn's `n_neighbors`, `p`, `algorithm`...) included.
 * @internal
 */

/** Other libraries' option names, and ours for them. */
const KEY_ALIASES: Record<string, string> = {
  n_neighbors: 'k',
  nneighbors: 'k',
  neighbors: 'k',
  n: 'k',
  algorithm: 'engine',
  backend: 'engine',
  distance: 'metric',
  p: 'metric',
  weight: 'weights',
  n_jobs: 'threads',
  njobs: 'threads',
  workers: 'threads',
  random_state: 'seed',
  randomstate: 'seed',
  memory: 'memoryBudgetBytes',
  memorybudget: 'memoryBudgetBytes',
  budget: 'memoryBudgetBytes',
  tiebreak: 'tieBreak',
  tie_break: 'tieBreak',
  onprogress: 'onProgress',
  on_progress: 'onProgress',
};

/** Other libraries' metric and engine names, and ours for them. */
const VALUE_ALIASES: Record<string, string> = {
  l2: 'euclidean',
  minkowski: 'euclidean',
  sqeuclid: 'sqeuclidean',
  squared_euclidean: 'sqeuclidean',
  sqeuclidean_distance: 'sqeuclidean',
  l1: 'manhattan',
  cityblock: 'manhattan',
  taxicab: 'manhattan',
  cos: 'cosine',
  brute_force: 'brute',
  bruteforce: 'brute',
  ball_tree: 'pruned',
  kd_tree: 'pruned',
  gemm: 'matmul',
  blas: 'matmul',
  tensorflow: 'tfjs',
  tf: 'tfjs',
  javascript: 'js',
  distance_weighted: 'distance',
};

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

/** The closest of `known` to `word` (an alias, or within a third of its length), if any. */
function didYouMean(
  word: string,
  known: readonly string[],
  aliases: Record<string, string> = {},
): string | undefined {
  const key = word.toLowerCase().replace(/[-\s]/g, '_');
  const alias = aliases[key] ?? aliases[key.replace(/_/g, '')];
  if (alias !== undefined && known.includes(alias)) return alias;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const dist = editDistance(word, k);
    if (dist < bestD) {
      bestD = dist;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Throws {@link UnknownOptionError} for the first key of `options` not in `known`. */
export function checkKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new UnknownOptionError({
        option: key,
        where,
        known,
        suggestion: didYouMean(key, known, KEY_ALIASES),
      });
    }
  }
}

/** `v` when it is one of `allowed`, else {@link InvalidOptionError} with a did-you-mean. */
export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v === 'string' && allowed.includes(v as T)) return v as T;
  throw new InvalidOptionError({
    option: name,
    value: v,
    expected: `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    suggestion: typeof v === 'string' ? didYouMean(v, allowed, VALUE_ALIASES) : undefined,
  });
}

/** `v` when it is an integer ≥ min, else {@link InvalidOptionError}. */
export function intAtLeast(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InvalidOptionError({ option: name, value: v, expected: `an integer ≥ ${min}` });
  }
  return v;
}
