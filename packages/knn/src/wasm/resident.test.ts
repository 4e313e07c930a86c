import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../matrix.js';
import { KNeighborsClassifier } from '../node.js';
import { refKneighbors } from '../test-helpers/index.js';
import { orderedData, reserveRows } from './resident.js';

/** Clustered float32 rows (pruning pays on them), seeded. */
function clustered(rows: number, d: number, seed: number): Float32Array {
  const rng = xoroshiro128plus(seed);
  const centres = Array.from({ length: 16 }, () =>
    Array.from({ length: d }, () => uniformFloat64(rng) * 40),
  );
  return Float32Array.from(
    { length: rows * d },
    (_, i) => centres[Math.floor(i / d) % 16][i % d] + uniformFloat64(rng),
  );
}

/** The fitted training matrix of a classifier (white-box: the one copy this file is about). */
function trainOf(knn: KNeighborsClassifier): Matrix {
  return (knn as unknown as { fitted: { train: Matrix } }).fitted.train;
}

describe('reserveRows', () => {
  it('gives a view of n·d values in a shared WebAssembly memory, only for rows that need no padding', () => {
    const f = reserveRows('f32', 10, 8);
    expect(f?.data).toBeInstanceOf(Float32Array);
    expect(f?.data.length).toBe(80);
    expect(f?.data.buffer).toBe(f?.resident.memory.buffer);
    expect(f?.resident.stride).toBe(32);
    const u = reserveRows('u8', 3, 32);
    expect(u?.data).toBeInstanceOf(Uint8Array);
    expect(u?.resident.stride).toBe(32);
    // Rows of 6 floats (24 bytes) or 20 bytes would need padding to whole 16-byte vectors.
    expect(reserveRows('f32', 10, 6)).toBeUndefined();
    expect(reserveRows('u8', 10, 20)).toBeUndefined();
  });

  it('orderedData puts reordered rows back in the caller order', () => {
    const r = reserveRows('f32', 3, 4);
    if (!r) throw new Error('no shared memory');
    r.data.set([20, 21, 22, 23, 0, 1, 2, 3, 10, 11, 12, 13]);
    const m: Matrix = { kind: 'f32', data: r.data, n: 3, d: 4, resident: r.resident };
    expect(orderedData(m)).toBe(r.data);
    r.resident.order = Int32Array.from([2, 0, 1]);
    expect(Array.from(orderedData(m))).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
  });
});

describe('one copy of the training rows', () => {
  const n = 4096;
  const d = 256;
  const m = 40;
  const x = clustered(n + m, d, 7);
  const train = x.slice(0, n * d);
  const queries = x.slice(n * d);
  const y = Int32Array.from({ length: n }, (_, i) => i % 5);
  const ref = refKneighbors({ metric: 'sqeuclidean', train, n, queries, m, d, k: 5 });
  const Q = { data: queries, shape: [m, d] as [number, number] };

  for (const engine of ['pruned', 'matmul', 'brute', 'auto'] as const) {
    it(`${engine}: fit writes the rows where the threaded search reads them; answers, toJSON and a reuse after dispose stay exact`, async () => {
      const input = train.slice();
      const knn = new KNeighborsClassifier({ k: 5, engine, threads: 2 });
      knn.fit({ data: input, shape: [n, d] }, y);
      input.fill(0); // the model holds its own copy
      const rows = trainOf(knn);
      expect(rows.resident).toBeDefined();
      expect(rows.data.buffer).toBe(rows.resident?.memory.buffer);
      const first = await knn.kneighbors(Q);
      expect(Array.from(first.indices)).toEqual(Array.from(ref.indices));
      // The search adopted that memory rather than copying the rows into its own.
      expect(rows.resident?.claimed).toBe(true);
      // A pruned index stores the rows in its own order; the model still reads them in the caller's.
      if (knn.engineInfo?.engine === 'pruned') expect(rows.resident?.order).toBeDefined();
      expect(Array.from(orderedData(rows))).toEqual(Array.from(train));
      const copy = KNeighborsClassifier.fromJSON(JSON.parse(JSON.stringify(knn.toJSON())));
      expect(Array.from((await copy.kneighbors(Q)).indices)).toEqual(Array.from(ref.indices));
      copy.dispose();
      // After dispose the next search copies the rows (in the caller's order) into a new memory.
      knn.dispose();
      const again = await knn.kneighbors(Q);
      expect(Array.from(again.indices)).toEqual(Array.from(ref.indices));
      knn.dispose();
    }, 60_000);
  }

  it('one thread, or rows that need padding: an ordinary array, copied by the search', async () => {
    const one = new KNeighborsClassifier({ k: 5, engine: 'pruned', threads: 1 });
    one.fit({ data: train, shape: [n, d] }, y);
    expect(trainOf(one).resident).toBeUndefined();
    expect(Array.from((await one.kneighbors(Q)).indices)).toEqual(Array.from(ref.indices));
    one.dispose();
    const odd = new KNeighborsClassifier({ k: 5, threads: 2 });
    odd.fit({ data: train.subarray(0, 4095 * 255), shape: [4095, 255] }, y.subarray(0, 4095));
    expect(trainOf(odd).resident).toBeUndefined();
    odd.dispose();
  });
});
