/**
 * The pipeline's scikit-learn row: `@fmnist/knn/sklearn` (the one scikit-learn runner of this
 * repository) on the same pixels as our KNN, its answer turned into a report row that says why when
 * it did not run.
 */
import type { ExternalRun } from '@fmnist/bench/report';
import { runSklearnKnn as runSklearn, SklearnNotFoundError } from '@fmnist/knn/sklearn';

export { pythonCandidates, SYSTEM_PYTHON } from '@fmnist/knn/sklearn';

/** A labelled split of uint8 pixels (a `Split` of `@fmnist/data`). */
export interface PixelSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Options of {@link runSklearnKnn}. */
export interface SklearnKnnOptions {
  train: PixelSplit;
  test: PixelSplit;
  /** Neighbours. */
  k: number;
  /** Pythons to try, in order; default `pythonCandidates()`. */
  pythons?: readonly string[];
}

/** What {@link runSklearnKnn} measured, plus its predictions. */
export interface SklearnResult {
  run: ExternalRun;
  predictions?: Int32Array;
}

const matrix = ({ images, count }: PixelSplit) =>
  ({ data: images, shape: [count, count === 0 ? 0 : images.length / count] }) as const;

/**
 * Runs scikit-learn's `KNeighborsClassifier(n_neighbors=k, algorithm='brute')` (Euclidean, uniform
 * weights, float32 features, one job) on the same pixels, with the first Python that has
 * scikit-learn. Never throws: when no Python or no scikit-learn is found, or the run fails, the
 * result says so (`status: 'skipped' | 'failed'` and a reason).
 */
export async function runSklearnKnn(options: SklearnKnnOptions): Promise<SklearnResult> {
  const { train, test, k } = options;
  const base: ExternalRun = {
    name: 'scikit-learn KNeighborsClassifier',
    status: 'skipped',
    params: { n_neighbors: k, algorithm: 'brute', metric: 'euclidean', weights: 'uniform' },
    trainSize: train.count,
    testSize: test.count,
  };
  try {
    const r = await runSklearn({
      train: matrix(train),
      labels: train.labels,
      test: matrix(test),
      k,
      dtype: 'float32',
      jobs: 1,
      ...(options.pythons ? { pythons: options.pythons } : {}),
    });
    let correct = 0;
    for (let i = 0; i < test.count; i++) if (r.predictions[i] === test.labels[i]) correct++;
    return {
      run: {
        ...base,
        status: 'ran',
        accuracy: test.count === 0 ? 0 : correct / test.count,
        trainMs: r.fitSeconds * 1000,
        inferenceMs: r.predictSeconds * 1000,
        version: r.sklearnVersion,
        params: { ...base.params, python: r.python },
      },
      predictions: r.predictions,
    };
  } catch (e) {
    const status = SklearnNotFoundError.isInstance(e) ? 'skipped' : 'failed';
    return { run: { ...base, status, reason: e instanceof Error ? e.message : String(e) } };
  }
}
