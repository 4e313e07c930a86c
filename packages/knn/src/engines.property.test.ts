import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import type { Metric } from './distance.js';
import { type EngineName, KNeighborsClassifier } from './index.js';
import { type RefMetric, refKneighbors, refVote } from './test-helpers/index.js';

interface Problem {
  n: number;
  d: number;
  m: number;
  train: Uint8Array | Float32Array;
  queries: Uint8Array | Float32Array;
  labels: Int32Array;
  k: number;
  metric: Metric;
  weights: 'uniform' | 'distance';
  tieBreak: 'sklearn' | 'nearest';
}

/** Values: bytes, a few small integers (many exact ties), or float32 numbers of mixed magnitude. */
const values = (kind: number, len: number) => {
  if (kind === 0) return fc.uint8Array({ minLength: len, maxLength: len });
  if (kind === 1)
    return fc
      .array(fc.integer({ min: 0, max: 2 }), { minLength: len, maxLength: len })
      .map((a) => Uint8Array.from(a));
  return fc
    .array(fc.float({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }), {
      minLength: len,
      maxLength: len,
    })
    .map((a) => Float32Array.from(a));
};

const problem: fc.Arbitrary<Problem> = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    // Short rows, and rows long enough for the kernels' two-thirds early exit (≥ 96 bytes).
    d: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 90, max: 130 })),
    m: fc.integer({ min: 1, max: 6 }),
    trainKind: fc.integer({ min: 0, max: 2 }),
    queryKind: fc.integer({ min: 0, max: 2 }),
    metric: fc.constantFrom<Metric>('euclidean', 'sqeuclidean', 'manhattan', 'cosine'),
    weights: fc.constantFrom<'uniform' | 'distance'>('uniform', 'distance'),
    tieBreak: fc.constantFrom<'sklearn' | 'nearest'>('sklearn', 'nearest'),
    copies: fc.integer({ min: 0, max: 2 }),
  })
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      train: values(p.trainKind, p.n * p.d),
      queries: values(p.queryKind, p.m * p.d),
      labels: fc.array(fc.integer({ min: -3, max: 4 }), { minLength: p.n, maxLength: p.n }),
      k: fc.integer({ min: 1, max: p.n }),
    }),
  )
  .map(({ p, train, queries, labels, k }) => {
    // Some queries are copies of training rows: zero distances (the `distance` weights' special case).
    const q =
      queries instanceof Float32Array || train instanceof Float32Array
        ? Float32Array.from(queries)
        : queries;
    for (let c = 0; c < Math.min(p.copies, p.m); c++) {
      for (let t = 0; t < p.d; t++) q[c * p.d + t] = train[(c % p.n) * p.d + t];
    }
    return {
      n: p.n,
      d: p.d,
      m: p.m,
      train,
      queries: q,
      labels: Int32Array.from(labels),
      k,
      metric: p.metric,
      weights: p.weights,
      tieBreak: p.tieBreak,
    };
  });

/** Counterexamples fast-check found once (denormal-sized cosine rows), replayed on every run. */
const tiny: Problem = {
  n: 6,
  d: 3,
  m: 2,
  train: Float32Array.from([
    0, 0, 0, -1.401298464324817e-45, 0, 0, 0, -1.0813748691406486e-31, 0, -577.2789306640625, 0, 0,
    0, 0, 0, 0, 0, -1.401298464324817e-45,
  ]),
  queries: Float32Array.from([0, 0, 0, -1.7176342262124878e-31, 0, -5.733223211232612e-37]),
  labels: Int32Array.from([0, 1, 0, 1, 0, 1]),
  k: 2,
  metric: 'cosine',
  weights: 'uniform',
  tieBreak: 'nearest',
};
const examples: [Problem][] = [[tiny], [{ ...tiny, metric: 'euclidean', weights: 'distance' }]];

const core = (m: Metric): RefMetric => (m === 'euclidean' ? 'sqeuclidean' : m);

async function agrees(engine: EngineName, p: Problem, threads = 1): Promise<void> {
  const knn = new KNeighborsClassifier({
    k: p.k,
    metric: p.metric,
    weights: p.weights,
    tieBreak: p.tieBreak,
    engine,
    threads,
  }).fit({ data: p.train, shape: [p.n, p.d] }, p.labels);
  const X = { data: p.queries, shape: [p.m, p.d] as [number, number] };
  const nb = await knn.kneighbors(X);
  const pred = await knn.predict(X);
  knn.dispose();
  const ref = refKneighbors({
    metric: core(p.metric),
    train: p.train,
    n: p.n,
    queries: p.queries,
    m: p.m,
    d: p.d,
    k: p.k,
  });
  const refDist = p.metric === 'euclidean' ? ref.distances.map(Math.sqrt) : ref.distances;
  expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices));
  expect(Array.from(nb.distances)).toEqual(Array.from(refDist));
  expect(Array.from(pred)).toEqual(
    Array.from(
      refVote({
        labels: p.labels,
        indices: ref.indices,
        distances: refDist,
        m: p.m,
        k: p.k,
        weights: p.weights,
        tieBreak: p.tieBreak,
      }),
    ),
  );
}

describe('every engine returns the reference neighbours and votes (fast-check)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('js', () =>
    fc.assert(
      fc.asyncProperty(problem, (p) => agrees('js', p)),
      { numRuns: 200, examples },
    ));
  it('brute (WebAssembly)', () =>
    fc.assert(
      fc.asyncProperty(problem, (p) => agrees('brute', p)),
      { numRuns: 200, examples },
    ));
  it('pruned (WebAssembly, principal-component bounds)', () =>
    fc.assert(
      fc.asyncProperty(
        problem.filter((p) => p.metric !== 'manhattan'),
        (p) => agrees('pruned', p),
      ),
      { numRuns: 200, examples },
    ));
  it('matmul (WebAssembly float32 matrix product, re-ranked exactly)', () =>
    fc.assert(
      fc.asyncProperty(
        problem.filter((p) => p.metric !== 'manhattan' && p.train instanceof Float32Array),
        (p) => agrees('matmul', p),
      ),
      { numRuns: 200, examples },
    ));
  it('matmul on rows far from the origin (cancellation in ‖q‖² − 2q·t + ‖t‖²), ties and duplicates', () =>
    fc.assert(
      fc.asyncProperty(
        fc.record({
          offset: fc.constantFrom(0.5, 1000.25, 65536.5, -3e5),
          metric: fc.constantFrom<Metric>('euclidean', 'sqeuclidean', 'cosine'),
          n: fc.integer({ min: 1, max: 60 }),
          m: fc.integer({ min: 1, max: 5 }),
          d: fc.integer({ min: 1, max: 40 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async ({ offset, metric, n, m, d, seed }) => {
          let s = seed + 1;
          const small = () => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return (s >>> 16) % 3;
          };
          // Few distinct rows: many exact ties and duplicates; values 0..2 above a large offset.
          const train = Float32Array.from({ length: n * d }, () => offset + small());
          const queries = Float32Array.from({ length: m * d }, () => offset + small());
          const k = 1 + (seed % n);
          await agrees('matmul', {
            n,
            d,
            m,
            train,
            queries,
            labels: Int32Array.from({ length: n }, (_, i) => i % 3),
            k,
            metric,
            weights: 'uniform',
            tieBreak: 'sklearn',
          });
        },
      ),
      { numRuns: 150 },
    ));
  it('tfjs (cpu backend, certified)', () =>
    fc.assert(
      fc.asyncProperty(problem, (p) => agrees('tfjs', p)),
      { numRuns: 120, examples },
    ));
});

describe('larger random sets, 2 threads and a small memory budget (several chunks)', () => {
  const big = (seed: number, n: number, m: number, d: number, float: boolean) => {
    let s = seed;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    // Clustered data (as real data is), so that the bounds prune.
    const centers = Array.from({ length: 12 }, () => Array.from({ length: d }, () => rnd() * 200));
    const make = (rows: number) => {
      const a = float ? new Float32Array(rows * d) : new Uint8Array(rows * d);
      for (let i = 0; i < rows; i++) {
        const c = centers[Math.floor(rnd() * centers.length)];
        for (let t = 0; t < d; t++) {
          const v = c[t] + (rnd() - 0.5) * 60;
          a[i * d + t] = float ? v : Math.max(0, Math.min(255, Math.round(v)));
        }
      }
      return a;
    };
    return { train: make(n), queries: make(m) };
  };

  for (const [metric, float] of [
    ['sqeuclidean', false],
    ['euclidean', true],
    ['cosine', false],
    ['cosine', true],
  ] as const) {
    it(`pruned = matmul = brute = reference: ${metric}, ${float ? 'float32' : 'uint8'} rows`, async () => {
      const n = 3000;
      const m = 1500;
      const d = 300;
      const { train, queries } = big(float ? 7 : 11, n, m, d, float);
      const labels = Int32Array.from({ length: n }, (_, i) => i % 7);
      const X = { data: queries, shape: [m, d] as [number, number] };
      const results = [];
      for (const engine of float
        ? (['pruned', 'brute', 'matmul'] as const)
        : (['pruned', 'brute'] as const)) {
        const knn = new KNeighborsClassifier({
          k: 7,
          metric,
          engine,
          threads: 2,
          memoryBudgetBytes: 1 << 20,
        }).fit({ data: train, shape: [n, d] }, labels);
        results.push(await knn.kneighbors(X));
        if (engine === 'pruned') {
          // The bounds must have pruned most rows on clustered data.
          expect((knn.engineInfo?.pruneStats?.exact ?? 0) / m).toBeLessThan(n / 2);
        }
        knn.dispose();
      }
      const ref = refKneighbors({
        metric: core(metric),
        train: train,
        n: n,
        queries: queries.subarray(0, 60 * d),
        m: 60,
        d: d,
        k: 7,
      });
      const refDist = metric === 'euclidean' ? ref.distances.map(Math.sqrt) : ref.distances;
      for (const r of results.slice(1)) {
        expect(Array.from(r.indices)).toEqual(Array.from(results[0].indices));
        expect(Array.from(r.distances)).toEqual(Array.from(results[0].distances));
      }
      expect(Array.from(results[0].indices.subarray(0, 60 * 7))).toEqual(Array.from(ref.indices));
      expect(Array.from(results[0].distances.subarray(0, 60 * 7))).toEqual(Array.from(refDist));
    });
  }
});

describe('pruned on float32 rows: the float32 screen never drops a true neighbour', () => {
  it('rows whose distances differ by less than float32 rounding (permuted offsets) give the reference neighbours', async () => {
    // Each query has 150 training rows at exactly the same distance: the query plus one offset
    // vector with its coordinates permuted. Queries are multiples of 2^-10 and offsets of 2^-20, so
    // every row, difference, square and float64 sum is exact: the k nearest are the tied rows of
    // smallest index. The float32 sums of the screen round (~1e-7 relative), differently for each
    // permutation: a screen without its rounding bound drops tied rows that belong to the k nearest.
    const d = 128;
    const m = 3;
    const near = 150;
    const far = 300;
    const n = m * near + far;
    let s = 99;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const queries = Float32Array.from({ length: m * d }, () => Math.floor(rnd() * 1024) / 1024);
    const offset = Array.from(
      { length: d },
      () => Math.round((rnd() - 0.5) * 0.02 * 2 ** 20) / 2 ** 20,
    );
    const train = new Float32Array(n * d);
    for (let q = 0; q < m; q++) {
      for (let r = 0; r < near; r++) {
        const perm = Array.from({ length: d }, (_, i) => i).sort(() => rnd() - 0.5);
        const row = (q * near + r) * d;
        for (let t = 0; t < d; t++) train[row + t] = queries[q * d + t] + offset[perm[t]];
      }
    }
    for (let i = m * near * d; i < n * d; i++) train[i] = rnd() * 3 - 1;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 5);
    const knn = new KNeighborsClassifier({ k: 5, engine: 'pruned', threads: 1 }).fit(
      { data: train, shape: [n, d] },
      labels,
    );
    const nb = await knn.kneighbors({ data: queries, shape: [m, d] });
    const exact = knn.engineInfo?.pruneStats?.exact ?? 0;
    knn.dispose();
    const ref = refKneighbors({ metric: 'sqeuclidean', train, n, queries, m, d, k: 5 });
    expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices));
    expect(Array.from(nb.distances)).toEqual(Array.from(ref.distances.map(Math.sqrt)));
    // The near rows were candidates (the screen saw them), not pruned by the bounds.
    expect(exact).toBeGreaterThan(m * 100);
  });
});
