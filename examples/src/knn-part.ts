import {
  classificationReport,
  createProgress,
  type MemoryStats,
  measure,
  type TfMemoryLike,
} from '@fmnist/bench';
import type { ModelRun } from '@fmnist/bench/report';
import type { Split } from '@fmnist/data';
import { type EngineName, KNeighborsClassifier } from '@fmnist/knn';

/** Options of {@link runKnn}. */
export interface KnnPartOptions {
  k: number;
  /** `@fmnist/knn` search engine; default `auto`. */
  engine?: EngineName;
  classNames: readonly string[];
  signal?: AbortSignal;
  tf?: TfMemoryLike;
}

/** KNN result: the report entry and the raw predictions (to compare with scikit-learn). */
export interface KnnPartResult {
  run: ModelRun;
  predictions: Int32Array;
}

/**
 * Fits KNN (Euclidean, uniform weights, like the reference experiment's scikit-learn call) on `train` and predicts
 * every image of `test`, with a progress bar.
 */
export async function runKnn(
  train: Split,
  test: Split,
  options: KnnPartOptions,
): Promise<KnnPartResult> {
  const d = train.images.length / train.count;
  const knn = new KNeighborsClassifier({ k: options.k, engine: options.engine ?? 'auto' });
  try {
    // "Training" a KNN: store the data and build the engine's index (the pruned engine's bounds).
    const fit = await measure(
      async () => {
        knn.fit({ data: train.images, shape: [train.count, d] }, train.labels);
        await knn.prepare({ signal: options.signal });
      },
      { tf: options.tf },
    );
    return await predictAndReport({ knn, fitMs: fit.wallMs, train, test, d, options });
  } finally {
    knn.dispose();
  }
}

async function predictAndReport({
  knn,
  fitMs,
  train,
  test,
  d,
  options,
}: {
  knn: KNeighborsClassifier;
  fitMs: number;
  train: Split;
  test: Split;
  /** Pixels per image. */
  d: number;
  options: KnnPartOptions;
}): Promise<KnnPartResult> {
  const bar = createProgress({ total: test.count, label: `KNN k=${options.k}` });
  let predicted: { result: Int32Array; wallMs: number; memory: MemoryStats };
  try {
    predicted = await measure(
      () =>
        knn.predict(
          { data: test.images, shape: [test.count, d] },
          { onProgress: (done: number) => bar.update(done), signal: options.signal },
        ),
      { tf: options.tf },
    );
  } finally {
    bar.stop();
  }
  const predictions = predicted.result;
  const metrics = classificationReport(test.labels, predictions, {
    classNames: options.classNames,
  });
  return {
    predictions,
    run: {
      id: 'knn',
      name: `KNN (k=${options.k})`,
      params: {
        k: options.k,
        metric: knn.metric,
        weights: knn.weights,
        engine: knn.engineInfo?.engine ?? knn.engine,
        threads: knn.engineInfo?.threads ?? null,
      },
      trainSize: train.count,
      testSize: test.count,
      accuracy: metrics.accuracy,
      metrics,
      timings: { trainMs: fitMs, inferenceMs: predicted.wallMs },
      memory: predicted.memory,
    },
  };
}
