import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { KNN_ENGINES } from './engines.js';
import {
  AbortedError,
  DimensionMismatchError,
  EmptyTrainingSetError,
  FeatureOverflowError,
  InvalidInputError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  KNeighborsClassifier,
  KnnError,
  type KnnErrorCode,
  LabelLengthError,
  NonFiniteFeatureError,
  NotFittedError,
  UnknownOptionError,
  UnsupportedEngineError,
  WorkerFailedError,
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

async function expectTyped(
  fn: () => unknown,
  cls: (new (...a: never[]) => KnnError) & { isInstance(e: unknown): boolean },
  code: KnnErrorCode,
) {
  const e = await thrown(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(KnnError);
  expect((e as KnnError).code).toBe(code);
  expect(cls.isInstance(e)).toBe(true);
  expect(KnnError.isInstance(e)).toBe(true);
  expect((e as KnnError).name).toBe(cls.name);
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
      // After byte values only, and after a fraction (the check's two loops).
      for (const first of [0, 0.5]) {
        const data = Float32Array.from([first, 1, 2, 3, 4, bad, 6, 7]);
        const e = await expectTyped(
          () => new KNeighborsClassifier({ k: 1 }).fit({ data, shape: [4, 2] }, y),
          NonFiniteFeatureError,
          'NON_FINITE_FEATURE',
        );
        expect(e).toMatchObject({ row: 2, column: 1 });
      }
      const knn = new KNeighborsClassifier({ k: 1 }).fit(X, y);
      await expectTyped(() => knn.predict([[0, bad]]), NonFiniteFeatureError, 'NON_FINITE_FEATURE');
      const t = tf.tensor2d([[1, bad]]);
      await expectTyped(() => knn.predict(t), NonFiniteFeatureError, 'NON_FINITE_FEATURE');
      t.dispose();
    }
    // Finite float64 values that overflow float32: reported as overflow, not as Infinity.
    const o = await expectTyped(
      () =>
        new KNeighborsClassifier({ k: 1 }).fit(
          { data: Float64Array.from([0, 1e300]), shape: [1, 2] },
          [0],
        ),
      FeatureOverflowError,
      'FEATURE_OVERFLOW',
    );
    expect(o).toMatchObject({ row: 0, column: 1, value: 1e300 });
    expect(o.message).toContain('1e+300');
    expect(o.message).not.toContain('Infinity');
    expect(o.message).toMatch(/rescale/i);
    // The float64 path and the plain-array path agree on where float32 ends: a value that rounds
    // to float32's largest is kept, one that rounds to Infinity is an overflow.
    for (const data of [Float64Array.from([0.5, 3.40282356e38]), [0.5, 3.40282356e38]]) {
      const kept = new KNeighborsClassifier({ k: 1 }).fit({ data, shape: [1, 2] }, [0]);
      expect(await kept.predict([[0.5, 3.4e38]])).toEqual(Int32Array.from([0]));
    }
    for (const data of [Float64Array.from([0.5, 3.5e38]), [0.5, 3.5e38]]) {
      await expectTyped(
        () => new KNeighborsClassifier({ k: 1 }).fit({ data, shape: [1, 2] }, [0]),
        FeatureOverflowError,
        'FEATURE_OVERFLOW',
      );
    }
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

  it("unknown option keys are rejected with a did-you-mean, also for other libraries' names", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong option names
    const make = (o: any) => () => new KNeighborsClassifier(o);
    for (const [options, key, fix] of [
      [{ K: 3 }, 'K', 'k'],
      [{ n_neighbors: 3 }, 'n_neighbors', 'k'],
      [{ algorithm: 'brute' }, 'algorithm', 'engine'],
      [{ metrc: 'cosine' }, 'metrc', 'metric'],
      [{ memoryBudget: 1 << 20 }, 'memoryBudget', 'memoryBudgetBytes'],
    ] as const) {
      const e = await expectTyped(make(options), UnknownOptionError, 'UNKNOWN_OPTION');
      expect(e).toMatchObject({ option: key, suggestion: fix });
      expect(e.message).toContain(`Did you mean "${fix}"?`);
    }
    const none = await expectTyped(make({ zzzzzz: 1 }), UnknownOptionError, 'UNKNOWN_OPTION');
    expect(none.message).not.toContain('Did you mean');
    expect(none.message).toContain('Known options: k, metric');
    const knn = new KNeighborsClassifier({ k: 1 }).fit(X, y);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong option names
    const bad: any = { onprogress: () => undefined };
    const p = await expectTyped(() => knn.predict(X, bad), UnknownOptionError, 'UNKNOWN_OPTION');
    expect(p.message).toContain('"onProgress"');
    await expectTyped(
      () => knn.kneighbors(X, { kk: 2 } as never),
      UnknownOptionError,
      'UNKNOWN_OPTION',
    );
  });

  it('unknown option values get a did-you-mean (l2 → euclidean, cityblock → manhattan)', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong option values
    const make = (o: any) => () => new KNeighborsClassifier(o);
    for (const [options, fix] of [
      [{ metric: 'l2' }, 'euclidean'],
      [{ metric: 'cityblock' }, 'manhattan'],
      [{ metric: 'cosin' }, 'cosine'],
      [{ engine: 'kd_tree' }, 'pruned'],
      [{ engine: 'brut' }, 'brute'],
      [{ weights: 'distanse' }, 'distance'],
    ] as const) {
      const e = await expectTyped(make(options), InvalidOptionError, 'INVALID_OPTION');
      expect(e.message).toContain(`Did you mean "${fix}"?`);
    }
    const e = await expectTyped(make({ engine: 'gpu' }), InvalidOptionError, 'INVALID_OPTION');
    for (const name of KNN_ENGINES) expect(e.message).toContain(`'${name}'`);
  });

  it('1-D input, null / empty-string / non-number features are rejected with what to do', async () => {
    const fit = (X: unknown) => () => new KNeighborsClassifier({ k: 1 }).fit(X as never, [0, 1, 2]);
    const one = await expectTyped(fit([1, 2, 3]), InvalidInputError, 'INVALID_INPUT');
    expect(one.message).toContain('1-D');
    expect(one.message).toContain('[[1, …]]');
    for (const bad of [null, '', '3', undefined, {}, true]) {
      const e = await expectTyped(
        fit([
          [0, 1],
          [2, bad],
          [4, 5],
        ]),
        InvalidInputError,
        'INVALID_INPUT',
      );
      expect(e.message).toContain('row 1, column 1');
      expect(e.message).toMatch(/must be numbers/);
    }
    const flat = await expectTyped(
      () =>
        new KNeighborsClassifier({ k: 1 }).fit(
          { data: [0, null, 2, 3], shape: [2, 2] } as never,
          [0, 1],
        ),
      InvalidInputError,
      'INVALID_INPUT',
    );
    expect(flat.message).toContain('null');
    const rowNotArray = await expectTyped(
      fit([[0, 1], 5, [1, 2]]),
      InvalidInputError,
      'INVALID_INPUT',
    );
    expect(rowNotArray.message).toContain('Row 1');
  });

  it('labels that are not integer numbers: the error names the value and its type', async () => {
    for (const [bad, shown] of [
      ['0', 'the string "0"'],
      [0n, 'the bigint 0n'],
      [null, 'null'],
      [1.5, 'the number 1.5'],
    ] as const) {
      const e = await expectTyped(
        () => new KNeighborsClassifier({ k: 1 }).fit(X, [bad, 0, 1, 1] as never),
        InvalidLabelError,
        'INVALID_LABEL',
      );
      expect(e.message).toContain(`Label 0 is ${shown}`);
      expect(e.message).toMatch(/Map string, bigint or float classes/);
    }
  });

  it('isInstance recognises errors of another copy of the package (same marker), codes are a union', () => {
    const e = new WorkerFailedError({ detail: 'boom' });
    expect(WorkerFailedError.isInstance(e)).toBe(true);
    expect(KnnError.isInstance(e)).toBe(true);
    expect(AbortedError.isInstance(e)).toBe(false);
    expect(e.message).toContain('threads: 1');
    // A look-alike from "another copy": only the Symbol.for markers.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('fmnist.knn.error')]: true,
      [Symbol.for('fmnist.knn.error.AbortedError')]: true,
    });
    expect(AbortedError.isInstance(foreign)).toBe(true);
    expect(KnnError.isInstance(new Error('plain'))).toBe(false);
    expect(KnnError.isInstance(null)).toBe(false);
    const code: KnnErrorCode = e.code;
    // A switch over the union is checked by TypeScript (this line fails to compile on a typo).
    const handled = ((c: KnnErrorCode) => {
      switch (c) {
        case 'WORKER_FAILED':
          return true;
        default:
          return false;
      }
    })(code);
    expect(handled).toBe(true);
  });
});
