/**
 * `@fmnist/vgg-small/parallel`: the data-parallel trainer under `trainVggSmall({ workers })`, for
 * code that drives training steps itself: N worker threads, each with its own tfjs and a replica
 * of the model, gradients averaged in shared memory, deterministic for a fixed N and seed.
 *
 * Most users never import this: pass `workers: N` (or `'auto'`) to `trainVggSmall` from the main
 * entry point. A worker that fails rejects with `WorkerFailedError`, exported by the main entry
 * point with the other errors. Node only.
 *
 * @example
 * ```ts
 * import { createVggSmall, PRESETS } from '@fmnist/vgg-small';
 * import { DataParallelTrainer } from '@fmnist/vgg-small/parallel';
 * import * as tf from '@tensorflow/tfjs-core';
 *
 * const model = createVggSmall(PRESETS.tiny.model);
 * const trainer = await DataParallelTrainer.create({
 *   model, optimizer: tf.train.adam(1e-3), workers: 2, backend: 'cpu',
 *   data: { images, labels, count }, imageShape: [28, 28, 1], classes: 10,
 *   maxBatchSize: 64, seed: 42,
 * });
 * try {
 *   const { loss } = await trainer.step({ epoch: 0, batch: 0, indices: firstBatch, learningRate: 1e-3 });
 * } finally {
 *   await trainer.dispose();
 * }
 * ```
 * @packageDocumentation
 */
export {
  type DataParallelOptions,
  type DataParallelStep,
  DataParallelTrainer,
  type UpdateMode,
} from './trainer.js';
