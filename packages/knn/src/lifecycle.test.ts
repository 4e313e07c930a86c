import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { AbortedError, type EngineName, KNeighborsClassifier } from './node.js';
import { refKneighbors } from './test-helpers/index.js';

/** A clustered random data set (deterministic). */
function dataset(n: number, d: number, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 5;
    for (let t = 0; t < d; t++) data[i * d + t] = labels[i] * 3 + (rnd() - 0.5) * 8;
  }
  return { data, labels };
}

const ENGINES: EngineName[] = ['pruned', 'matmul', 'brute', 'js', 'tfjs'];

describe('tfjs tensors in, no tensor leaks', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`${backend} backend: tensor inputs give the same answers as arrays; numTensors stable`, async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const { data, labels } = dataset(2500, 16, 3);
      const q = dataset(40, 16, 9).data;
      const before = tf.memory().numTensors;
      for (const engine of ENGINES) {
        const xt = tf.tensor2d(data, [2500, 16]);
        const qt = tf.tensor2d(q, [40, 16]);
        const knn = new KNeighborsClassifier({ k: 3, engine, threads: 1 }).fit(xt, labels);
        const plain = await new KNeighborsClassifier({ k: 3, engine: 'js' })
          .fit({ data, shape: [2500, 16] }, labels)
          .kneighbors({ data: q, shape: [40, 16] });
        const fromTensor = await knn.kneighbors(qt);
        expect(Array.from(fromTensor.indices)).toEqual(Array.from(plain.indices));
        await knn.predict(qt); // warm-up: the tfjs engine keeps the training rows on the device
        const warm = tf.memory().numTensors;
        for (let r = 0; r < 3; r++) {
          await knn.predict(qt);
          await knn.predictProba(qt);
          await knn.kneighbors(qt);
        }
        expect(tf.memory().numTensors).toBe(warm);
        if (engine !== 'tfjs') expect(warm).toBe(before + 2); // only xt and qt
        knn.dispose();
        tf.dispose([xt, qt]);
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  }
});

describe('progress, abort, memory budget, threads', () => {
  const { data, labels } = dataset(6000, 24, 5);
  const train = { data, shape: [6000, 24] as [number, number] };
  const queries = { data: dataset(2000, 24, 8).data, shape: [2000, 24] as [number, number] };

  for (const engine of ['pruned', 'matmul', 'brute', 'js'] as const) {
    it(`${engine}: progress rises to (m, m); an abort mid-way rejects with AbortedError`, async () => {
      const knn = new KNeighborsClassifier({ k: 4, engine, memoryBudgetBytes: 1 << 20 }).fit(
        train,
        labels,
      );
      const seen: number[] = [];
      await knn.predict(queries, {
        onProgress: (done, total) => {
          expect(total).toBe(2000);
          seen.push(done);
        },
      });
      expect(seen[0]).toBe(0);
      expect(seen.at(-1)).toBe(2000);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
      expect(seen.length).toBeGreaterThan(2);
      const ac = new AbortController();
      let calls = 0;
      const err = await knn
        .predict(queries, {
          signal: ac.signal,
          onProgress: (done) => {
            calls++;
            if (done > 0) ac.abort(new Error('enough'));
          },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(AbortedError);
      expect(calls).toBeLessThan(seen.length);
      // Still usable after an abort.
      const again = await knn.predict({ data: queries.data.subarray(0, 240), shape: [10, 24] });
      expect(again.length).toBe(10);
      knn.dispose();
    });
  }

  it('a small budget (several chunks) and 1 or 2 threads give identical neighbours', async () => {
    const results = [];
    for (const [threads, budget] of [
      [1, 1 << 20],
      [2, 1 << 20],
      [2, 256 << 20],
    ]) {
      const knn = new KNeighborsClassifier({ k: 6, threads, memoryBudgetBytes: budget }).fit(
        train,
        labels,
      );
      results.push(await knn.kneighbors(queries));
      expect(knn.engineInfo?.threads).toBe(threads);
      knn.dispose();
    }
    const ref = refKneighbors({
      metric: 'sqeuclidean',
      train: data,
      n: 6000,
      queries: queries.data,
      m: 50,
      d: 24,
      k: 6,
    });
    for (const r of results) {
      expect(Array.from(r.indices)).toEqual(Array.from(results[0].indices));
      expect(Array.from(r.indices.subarray(0, 300))).toEqual(Array.from(ref.indices));
      expect(Array.from(r.distances.subarray(0, 300))).toEqual(
        Array.from(ref.distances.map(Math.sqrt)),
      );
    }
  });

  it('memoryBudgetBytes bounds the WebAssembly working memory of a search (measured)', async () => {
    const rng = xoroshiro128plus(7);
    const n = 3000;
    const d = 192;
    const m = 1500;
    // Clustered rows (so that the pruned engine prunes and the test stays quick).
    const centres = Array.from({ length: 20 }, () =>
      Array.from({ length: d }, () => uniformFloat64(rng) * 50),
    );
    const x = Float32Array.from(
      { length: (n + m) * d },
      (_, i) => centres[Math.floor(i / d) % 20][i % d] + uniformFloat64(rng),
    );
    const y = Int32Array.from({ length: n }, (_, i) => i % 4);
    const Q = { data: x.subarray(n * d), shape: [m, d] as [number, number] };
    const one = { data: x.subarray(n * d, (n + 1) * d), shape: [1, d] as [number, number] };
    for (const engine of ['matmul', 'pruned', 'brute'] as const) {
      const working: number[] = [];
      const growth: number[] = [];
      let answer: Int32Array | undefined;
      for (const budget of [1 << 20, 256 << 20]) {
        const knn = new KNeighborsClassifier({
          k: 5,
          engine,
          threads: 2,
          memoryBudgetBytes: budget,
        });
        knn.fit({ data: x.subarray(0, n * d), shape: [n, d] }, y);
        await knn.kneighbors(one);
        const base = knn.engineInfo?.memoryBytes ?? 0;
        const nb = await knn.kneighbors(Q);
        working.push(knn.engineInfo?.workingBytes ?? Number.NaN);
        growth.push((knn.engineInfo?.memoryBytes ?? 0) - base);
        if (answer) expect(Array.from(nb.indices)).toEqual(Array.from(answer));
        answer = nb.indices;
        knn.dispose();
      }
      expect(working[0]).toBeLessThanOrEqual(1 << 20);
      // The memory grows by no more than the budget (plus a 64 KiB page of rounding).
      expect(growth[0]).toBeLessThanOrEqual((1 << 20) + (1 << 16));
      // With room, the whole batch is one tile: the budget is what made the difference.
      expect(working[1]).toBeGreaterThan(m * d * 4);
    }
  });

  it('auto: brute force below 2048 rows and for manhattan, matmul for float rows', async () => {
    await tf.setBackend('cpu');
    const small = new KNeighborsClassifier().fit(
      { data: data.subarray(0, 24 * 100), shape: [100, 24] },
      labels.subarray(0, 100),
    );
    expect(small.resolveEngine()).toBe('matmul');
    const bytes = new KNeighborsClassifier().fit(
      { data: Uint8Array.from(data.subarray(0, 24 * 100), (v) => Math.abs(v)), shape: [100, 24] },
      labels.subarray(0, 100),
    );
    expect(bytes.resolveEngine()).toBe('brute');
    const l1 = new KNeighborsClassifier({ metric: 'manhattan' }).fit(train, labels);
    expect(l1.resolveEngine()).toBe('brute');
    await l1.predict({ data: queries.data.subarray(0, 24), shape: [1, 24] });
    expect(l1.engineInfo?.estimate).toBeUndefined();
  });

  it('auto estimates what pruning saves: brute force where it would not pay, pruned where it does', async () => {
    await tf.setBackend('cpu');
    const rng = xoroshiro128plus(42);
    const n = 6000;
    // High-dimensional noise: every distance about the same, nothing can be pruned.
    const d = 96;
    const noise = Float32Array.from({ length: n * d }, () => uniformFloat64(rng) - 0.5);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const hard = new KNeighborsClassifier({ k: 5 }).fit({ data: noise, shape: [n, d] }, y);
    const q = { data: noise.subarray(0, 20 * d), shape: [20, d] as [number, number] };
    await hard.predict(q);
    const hi = hard.engineInfo;
    expect(hi?.engine).toBe('matmul');
    expect(hi?.estimate?.contrast).toBeGreaterThan(0.5);
    expect(Number.isNaN(hi?.estimate?.prunedExactShare)).toBe(true);
    expect(hard.resolveEngine()).toBe('matmul');
    // Tight, well separated clusters on a low-dimensional surface: the bounds prune almost everything.
    const e = 32;
    const centres = Array.from({ length: 40 }, () =>
      Array.from({ length: e }, () => (uniformFloat64(rng) - 0.5) * 100),
    );
    const easy = new Float32Array(n * e);
    for (let i = 0; i < n; i++) {
      const c = centres[i % centres.length];
      for (let t = 0; t < e; t++)
        easy[i * e + t] = c[t] + (uniformFloat64(rng) - 0.5) * (t < 3 ? 4 : 0.01);
    }
    const good = new KNeighborsClassifier({ k: 5 }).fit({ data: easy, shape: [n, e] }, y);
    await good.prepare();
    expect(good.resolveEngine()).toBe('pruned');
    await good.predict({ data: easy.subarray(0, 20 * e), shape: [20, e] });
    const gi = good.engineInfo;
    expect(gi?.engine).toBe('pruned');
    expect(gi?.estimate?.prunedExactShare).toBeLessThanOrEqual(0.1);
    // Both answer exactly.
    for (const [knn, x, dim] of [
      [hard, noise, d],
      [good, easy, e],
    ] as const) {
      const nb = await knn.kneighbors({ data: x.subarray(0, 10 * dim), shape: [10, dim] });
      const ref = refKneighbors({
        metric: 'sqeuclidean',
        train: x,
        n,
        queries: x.subarray(0, 10 * dim),
        m: 10,
        d: dim,
        k: 5,
      });
      expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices));
      knn.dispose();
    }
  });
});

describe('serialise and restore', () => {
  for (const [name, make] of [
    [
      'uint8',
      () => ({
        data: Uint8Array.from({ length: 3000 * 10 }, (_, i) => (i * 7919) % 256),
        shape: [3000, 10] as [number, number],
      }),
    ],
    ['float32', () => ({ data: dataset(3000, 10, 1).data, shape: [3000, 10] as [number, number] })],
  ] as const) {
    it(`${name}: fromJSON(JSON.parse(JSON.stringify(toJSON()))) predicts the same`, async () => {
      const X = make();
      const labels = Int32Array.from({ length: 3000 }, (_, i) => ((i * 31) % 4) - 1);
      const knn = new KNeighborsClassifier({
        k: 7,
        weights: 'distance',
        tieBreak: 'nearest',
        metric: 'cosine',
      }).fit(X, labels);
      const Q = { data: X.data.slice(0, 500), shape: [50, 10] as [number, number] };
      const json = JSON.parse(JSON.stringify(knn.toJSON()));
      expect(json.dtype).toBe(name);
      const back = KNeighborsClassifier.fromJSON(json);
      expect(back.k).toBe(7);
      expect(back.weights).toBe('distance');
      expect(back.tieBreak).toBe('nearest');
      expect(back.metric).toBe('cosine');
      expect(Array.from(back.classes)).toEqual([-1, 0, 1, 2]);
      expect(Array.from(await back.predict(Q))).toEqual(Array.from(await knn.predict(Q)));
      expect(Array.from((await back.predictProba(Q)).probabilities)).toEqual(
        Array.from((await knn.predictProba(Q)).probabilities),
      );
      knn.dispose();
      back.dispose();
    });
  }
});

describe('engine selection from the active backend', () => {
  it('auto picks tfjs when a GPU backend (webgl, webgpu, tensorflow) is active', async () => {
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    const { data, labels } = dataset(3000, 8, 2);
    const knn = new KNeighborsClassifier().fit({ data, shape: [3000, 8] }, labels);
    const l1 = new KNeighborsClassifier({ metric: 'manhattan' }).fit(
      { data, shape: [3000, 8] },
      labels,
    );
    // A stand-in registered under a GPU backend's name: only the name matters for the choice.
    tf.registerBackend('webgpu', () => new MathBackendCPU());
    try {
      await tf.setBackend('webgpu');
      expect(knn.resolveEngine()).toBe('tfjs');
      expect(l1.resolveEngine()).toBe('brute');
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('webgpu');
    }
    expect(knn.resolveEngine()).toBe('pruned');
    const forced = new KNeighborsClassifier({ engine: 'brute' }).fit(
      { data, shape: [3000, 8] },
      labels,
    );
    expect(forced.resolveEngine()).toBe('brute');
  });
});
