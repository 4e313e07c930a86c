import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import {
  AbortedError,
  DimensionMismatchError,
  EmptyTrainingSetError,
  InvalidInputError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  KNeighborsClassifier,
  KnnError,
  LabelLengthError,
  NonFiniteFeatureError,
  NotFittedError,
  UnsupportedEngineError,
} from './index.js';

const X = { data: Uint8Array.from([0, 0, 1, 1, 5, 5, 6, 6]), shape: [4, 2] as [number, number] };
const y = [0, 0, 1, 1];

/** Runs fn and returns what it threw (sync or async). */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

async function expectTyped(fn: () => unknown, cls: new (...a: never[]) => KnnError, code: string) {
  const e = await thrown(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(KnnError);
  expect((e as KnnError).code).toBe(code);
  expect((e as KnnError).message.length).toBeGreaterThan(20);
  return e as KnnError;
}

describe('bad input gets a typed error with a stable code', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('dimension mismatch between fit and predict', async () => {
    const knn = new KNeighborsClassifier({ k: 1 }).fit(X, y);
    for (const engine of ['auto', 'brute', 'js', 'tfjs'] as const) {
      const m = new KNeighborsClassifier({ k: 1, engine }).fit(X, y);
      const e = await expectTyped(
        () => m.predict({ data: new Float32Array(3), shape: [1, 3] }),
        DimensionMismatchError,
        'DIMENSION_MISMATCH',
      );
      expect(e).toMatchObject({ expected: 2, actual: 3 });
    }
    await expectTyped(
      () => knn.kneighbors([[1, 2, 3]]),
      DimensionMismatchError,
      'DIMENSION_MISMATCH',
    );
  });

  it('empty training set', async () => {
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit({ data: new Uint8Array(0), shape: [0, 4] }, []),
      EmptyTrainingSetError,
      'EMPTY_TRAINING_SET',
    );
    await expectTyped(
      () =>
        new KNeighborsClassifier({ k: 1 }).fit(
          { data: new Uint8Array(0), shape: [3, 0] },
          [1, 2, 3],
        ),
      EmptyTrainingSetError,
      'EMPTY_TRAINING_SET',
    );
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit([], []),
      EmptyTrainingSetError,
      'EMPTY_TRAINING_SET',
    );
  });

  it('k < 1, k not an integer, k > n (at fit and per call)', async () => {
    for (const k of [0, -1, 1.5, Number.NaN]) {
      await expectTyped(() => new KNeighborsClassifier({ k }), InvalidKError, 'INVALID_K');
    }
    const e = await expectTyped(
      () => new KNeighborsClassifier({ k: 5 }).fit(X, y),
      InvalidKError,
      'INVALID_K',
    );
    expect(e).toMatchObject({ k: 5, trainingRows: 4 });
    const knn = new KNeighborsClassifier({ k: 2 }).fit(X, y);
    await expectTyped(() => knn.kneighbors(X, { k: 9 }), InvalidKError, 'INVALID_K');
    await expectTyped(() => knn.kneighbors(X, { k: 0 }), InvalidKError, 'INVALID_K');
  });

  it('NaN or ±Infinity in training rows, queries and tensors', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const data = Float32Array.from([0, 1, 2, 3, 4, bad, 6, 7]);
      const e = await expectTyped(
        () => new KNeighborsClassifier({ k: 1 }).fit({ data, shape: [4, 2] }, y),
        NonFiniteFeatureError,
        'NON_FINITE_FEATURE',
      );
      expect(e).toMatchObject({ row: 2, column: 1 });
      const knn = new KNeighborsClassifier({ k: 1 }).fit(X, y);
      await expectTyped(() => knn.predict([[0, bad]]), NonFiniteFeatureError, 'NON_FINITE_FEATURE');
      const t = tf.tensor2d([[1, bad]]);
      await expectTyped(() => knn.predict(t), NonFiniteFeatureError, 'NON_FINITE_FEATURE');
      t.dispose();
    }
    // Finite float64 values that overflow float32.
    await expectTyped(
      () =>
        new KNeighborsClassifier({ k: 1 }).fit(
          { data: Float64Array.from([1e300, 0]), shape: [1, 2] },
          [0],
        ),
      NonFiniteFeatureError,
      'NON_FINITE_FEATURE',
    );
  });

  it('labels of the wrong length or not integers', async () => {
    const e = await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit(X, [0, 1, 2]),
      LabelLengthError,
      'LABEL_LENGTH_MISMATCH',
    );
    expect(e).toMatchObject({ expected: 4, actual: 3 });
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit(X, [0, 1, 2, 3, 4]),
      LabelLengthError,
      'LABEL_LENGTH_MISMATCH',
    );
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit(X, [0, 1, 2.5, 3]),
      InvalidLabelError,
      'INVALID_LABEL',
    );
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit(X, [0, 1, Number.NaN, 3]),
      InvalidLabelError,
      'INVALID_LABEL',
    );
    const knn = new KNeighborsClassifier({ k: 1 }).fit(X, y);
    await expectTyped(() => knn.score(X, [0, 1]), LabelLengthError, 'LABEL_LENGTH_MISMATCH');
  });

  it('predict / kneighbors / score / toJSON before fit', async () => {
    const knn = new KNeighborsClassifier();
    await expectTyped(() => knn.predict(X), NotFittedError, 'NOT_FITTED');
    await expectTyped(() => knn.predictProba(X), NotFittedError, 'NOT_FITTED');
    await expectTyped(() => knn.kneighbors(X), NotFittedError, 'NOT_FITTED');
    await expectTyped(() => knn.score(X, y), NotFittedError, 'NOT_FITTED');
    await expectTyped(() => knn.toJSON(), NotFittedError, 'NOT_FITTED');
  });

  it('malformed matrices, options, serialised models and engines', async () => {
    await expectTyped(
      () =>
        new KNeighborsClassifier({ k: 1 }).fit({ data: new Uint8Array(5), shape: [2, 2] }, [0, 1]),
      InvalidInputError,
      'INVALID_INPUT',
    );
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit([[1, 2], [3]], [0, 1]),
      InvalidInputError,
      'INVALID_INPUT',
    );
    const t3 = tf.zeros([2, 2, 2]);
    await expectTyped(
      () => new KNeighborsClassifier({ k: 1 }).fit(t3, [0, 1]),
      InvalidInputError,
      'INVALID_INPUT',
    );
    t3.dispose();
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong option values
    const bad = (o: any) => () => new KNeighborsClassifier(o);
    await expectTyped(bad({ metric: 'chebyshev' }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(bad({ weights: 'rank' }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(bad({ tieBreak: 'random' }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(bad({ engine: 'gpu' }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(bad({ memoryBudgetBytes: 10 }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(bad({ threads: 0 }), InvalidOptionError, 'INVALID_OPTION');
    await expectTyped(
      () => KNeighborsClassifier.fromJSON({ format: 'x' }),
      InvalidModelError,
      'INVALID_MODEL',
    );
    const json = new KNeighborsClassifier({ k: 1 }).fit(X, y).toJSON();
    await expectTyped(
      () => KNeighborsClassifier.fromJSON({ ...json, version: 2 }),
      InvalidModelError,
      'INVALID_MODEL',
    );
    await expectTyped(
      () => KNeighborsClassifier.fromJSON({ ...json, shape: [5, 2] }),
      InvalidModelError,
      'INVALID_MODEL',
    );
    await expectTyped(
      () => KNeighborsClassifier.fromJSON({ ...json, data: '!!!' }),
      InvalidModelError,
      'INVALID_MODEL',
    );
    const l1 = new KNeighborsClassifier({ k: 1, metric: 'manhattan', engine: 'pruned' }).fit(X, y);
    await expectTyped(() => l1.predict(X), UnsupportedEngineError, 'UNSUPPORTED_ENGINE');
  });

  it('an aborted signal stops the prediction with AbortedError (cause: the reason)', async () => {
    const knn = new KNeighborsClassifier({ k: 1, engine: 'js' }).fit(X, y);
    const ac = new AbortController();
    ac.abort('stop');
    const e = await expectTyped(
      () => knn.predict(X, { signal: ac.signal }),
      AbortedError,
      'ABORTED',
    );
    expect(e.cause).toBe('stop');
  });
});
