import { type FashionMnist, loadFashionMnist } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { KNeighborsClassifier } from './node.js';
import { refKneighbors } from './test-helpers/index.js';

/**
 * Correct predictions of scikit-learn 1.2.1 `KNeighborsClassifier(n_neighbors=5, algorithm='brute')`
 * on the 10,000 test images (uint8 pixels, and also float64 / float32 pixels: all 10,000 predictions
 * identical), verified once with /usr/bin/python3; see the README. 8554 / 10000 = 85.54%.
 */
const SKLEARN_CORRECT = 8554;

const D = 784;
let ds: FashionMnist;
const train = () => ({ data: ds.train.images, shape: [ds.train.count, D] as [number, number] });

/** Every 50th test image: 200 queries spread over the test set. */
function sample(count: number, step: number): Uint8Array {
  const out = new Uint8Array(count * D);
  for (let i = 0; i < count; i++)
    out.set(ds.test.images.subarray(i * step * D, (i * step + 1) * D), i * D);
  return out;
}

describe('Fashion-MNIST, full training set', () => {
  beforeAll(async () => {
    ds = await loadFashionMnist();
  });

  it('predicts the 10,000 test images with 85.54% accuracy, as scikit-learn (k=5, uniform, euclidean)', async () => {
    const knn = new KNeighborsClassifier({ k: 5 }).fit(train(), ds.train.labels);
    const progress: number[] = [];
    const pred = await knn.predict(
      { data: ds.test.images, shape: [ds.test.count, D] },
      { onProgress: (done, total) => total === 10_000 && progress.push(done) },
    );
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === ds.test.labels[i]) correct++;
    expect(knn.engineInfo?.engine).toBe('pruned');
    expect(correct).toBe(SKLEARN_CORRECT);
    expect(progress.at(-1)).toBe(10_000);
    // The pruning did its job: far fewer exact distances than the 60,000 per query of brute force.
    const stats = knn.engineInfo?.pruneStats;
    expect(stats?.queries).toBe(10_000);
    expect((stats?.exact ?? 0) / 10_000).toBeLessThan(2_000);
    knn.dispose();
  });

  describe('neighbour for neighbour against a float64 brute-force reference (k = 10)', () => {
    const K = 10;
    const Q = 200;
    let queries: Uint8Array;
    let ref: { indices: Int32Array; distances: Float64Array };
    beforeAll(() => {
      queries = sample(Q, 50);
      ref = refKneighbors({
        metric: 'sqeuclidean',
        train: ds.train.images,
        n: ds.train.count,
        queries: queries,
        m: Q,
        d: D,
        k: K,
      });
    });

    const check = async (
      engine: 'pruned' | 'brute' | 'js' | 'tfjs',
      q: number,
      threads?: number,
    ) => {
      const knn = new KNeighborsClassifier({ k: K, metric: 'sqeuclidean', engine, threads }).fit(
        train(),
        ds.train.labels,
      );
      const nb = await knn.kneighbors({ data: queries.subarray(0, q * D), shape: [q, D] });
      knn.dispose();
      expect(nb.shape).toEqual([q, K]);
      expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices.subarray(0, q * K)));
      expect(Array.from(nb.distances)).toEqual(Array.from(ref.distances.subarray(0, q * K)));
    };

    it('pruned, 2 threads', () => check('pruned', Q, 2));
    it('pruned, 1 thread', () => check('pruned', Q, 1));
    it('brute (WebAssembly)', () => check('brute', Q, 2));
    it('js (first 25 queries)', () => check('js', 25));
    it('tfjs on the wasm backend', async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      await check('tfjs', Q);
    });
    it('tfjs on the cpu backend (first 15 queries)', async () => {
      await tf.setBackend('cpu');
      await check('tfjs', 15);
    });
  });

  it('cosine: the pruned engine equals the reference on 100 queries (k = 5)', async () => {
    const q = sample(100, 97);
    const ref = refKneighbors({
      metric: 'cosine',
      train: ds.train.images,
      n: ds.train.count,
      queries: q,
      m: 100,
      d: D,
      k: 5,
    });
    const knn = new KNeighborsClassifier({ k: 5, metric: 'cosine', engine: 'pruned' }).fit(
      train(),
      ds.train.labels,
    );
    const nb = await knn.kneighbors({ data: q, shape: [100, D] });
    knn.dispose();
    expect(Array.from(nb.indices)).toEqual(Array.from(ref.indices));
    expect(Array.from(nb.distances)).toEqual(Array.from(ref.distances));
  }, 300_000); // a float64 JavaScript reference over 60,000 × 784 for 100 queries: slow on a loaded machine
});
