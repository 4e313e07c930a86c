import { dispose, type Optimizer, tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { OptimizerState } from '../checkpoint.js';
import { AbortedError } from '../errors.js';
import type { InjectedFault } from '../parallel/protocol.js';
import { DataParallelTrainer } from '../parallel/trainer.js';
import type { TrainingSet } from './data.js';
import type { ResolvedOptions } from './options.js';
import type { Stepper } from './stepper.js';

/** @internal Test hooks: a fault to inject into the next parallel run's workers. */
export const parallelTestHooks: { fault?: InjectedFault } = {};

/**
 * The data-parallel path (`workers` > 1): a {@link DataParallelTrainer} holds the replicas; the
 * calling thread's model gets their weights when an epoch ends (for validation, early stopping,
 * checkpoints and the caller).
 */
export async function createParallelStepper(
  model: LayersModel,
  optimizer: Optimizer,
  optimizerState: OptimizerState | null,
  train: TrainingSet,
  imageShape: [number, number, number],
  classes: number,
  o: ResolvedOptions,
  signal?: AbortSignal,
): Promise<Stepper> {
  const trainer = await DataParallelTrainer.create({
    model,
    optimizer,
    optimizerState,
    workers: o.workers,
    backend: o.workerBackend,
    data: train,
    imageShape,
    classes,
    maxBatchSize: o.batchSize,
    seed: o.seed,
    augment: o.augment?.mode === 'online' ? o.augment : null,
    recipe: {
      labelSmoothing: o.labelSmoothing,
      weightDecay: o.weightDecay,
      weightAveraging: o.weightAveraging,
    },
    fault: parallelTestHooks.fault,
  });
  // An abort stops every worker at once, also in the middle of a step.
  const onAbort = () => void trainer.dispose();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    workers: o.workers,
    beginEpoch() {},
    async step(s) {
      try {
        return await trainer.step(s);
      } catch (e) {
        if (signal?.aborted) {
          throw new AbortedError({ epochsCompleted: s.epoch, cause: signal.reason });
        }
        throw e;
      }
    },
    async syncModel() {
      const weights = (await trainer.weights()).map((w) => tensor(w.data, w.shape));
      try {
        model.setWeights(weights);
      } finally {
        dispose(weights);
      }
    },
    optimizerState: () => trainer.optimizerState(),
    average: () => trainer.average(),
    dispose() {
      signal?.removeEventListener('abort', onAbort);
      return trainer.dispose();
    },
  };
}
