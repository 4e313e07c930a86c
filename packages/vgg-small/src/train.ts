import {
  dispose,
  getBackend,
  type Optimizer,
  tensor,
  train as tfTrain,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  type History,
  type PlainWeight,
  plainModelWeights,
  restoreOptimizer,
  writeCheckpoint,
} from './checkpoint.js';
import type { WorkerFailedError } from './errors.js';
import { evaluateModel, type LabelledImages, modelIo } from './evaluate.js';
import { nesterovSgd } from './recipe/optimizer.js';
import { checkLabelled, prepareTrainingData } from './train/data.js';
import { EarlyStopping } from './train/early-stopping.js';
import { runEpoch, throwIfAborted } from './train/epoch.js';
import { fingerprint } from './train/fingerprint.js';
import type { EpochLogs, TrainOptions, TrainResult } from './train/options.js';
import { resolveOptions } from './train/options.js';
import { createParallelStepper } from './train/parallel-stepper.js';
import { createStepRates } from './train/rates.js';
import { resumeFromCheckpoint } from './train/resume.js';
import { createSingleThreadStepper } from './train/single-thread-stepper.js';
import type { Stepper } from './train/stepper.js';

/** Puts plain weights (`model.weights` order) into `model`. */
function setPlainWeights(model: LayersModel, weights: readonly PlainWeight[]): void {
  const tensors = weights.map((w) => tensor(w.data, w.shape));
  try {
    model.setWeights(tensors);
  } finally {
    dispose(tensors);
  }
}

/**
 * Trains a model built by `createVggSmall` (or any single-input softmax classifier) with Adam (or
 * SGD with Nesterov momentum) on `@fmnist/data` images, on whichever tfjs backend is active.
 *
 * - The training recipe, all off by default: a learning-rate `schedule` (one-cycle, warm-up +
 *   cosine), `labelSmoothing`, `weightDecay`, `weightAveraging` (the averaged weights become the
 *   model); see the README's "The training recipe".
 *
 * - Deterministic: with the same `seed`, backend and data, the split, the order of every epoch,
 *   the augmentation and the dropout masks are the same, and so is the result.
 * - Validation split, online or offline augmentation from `@fmnist/augment`, history, early
 *   stopping, per-batch and per-epoch callbacks, `AbortSignal`.
 * - With `checkpointDir`, a checkpoint (weights, Adam state, history, early-stopping state) is
 *   written atomically after every epoch, and a later call with the same setup resumes after the
 *   last complete epoch, reproducing the uninterrupted run.
 * - `workers: N` (or `'auto'`) trains data-parallel on N worker threads (see the README's "Training
 *   on every core"); every guarantee above holds for a fixed N. A worker that fails rejects with
 *   {@link WorkerFailedError}, all workers stopped, the last checkpoint intact.
 *
 * On wasm, call `registerWasmTrainingKernels()` first (the wasm backend lacks a gradient kernel).
 *
 * @example
 * ```ts
 * const model = createVggSmall(PRESETS.cpu.model);
 * const { history } = await trainVggSmall(model, data.train, {
 *   ...PRESETS.cpu.training, checkpointDir: './ckpt',
 *   onEpochEnd: (e, l) => console.log(e, l.valAcc),
 * });
 * ```
 */
export async function trainVggSmall(
  model: LayersModel,
  data: LabelledImages,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const started = performance.now();
  const o = resolveOptions(options, getBackend());
  const { imageShape, classes } = modelIo(model);
  checkLabelled(data, imageShape, classes, 'data');
  if (options.validationData) {
    checkLabelled(options.validationData, imageShape, classes, 'validationData');
  }
  const { train, validation } = prepareTrainingData(data, options.validationData, o, imageShape);
  const print = fingerprint(model, o, data, validation);
  const rates = createStepRates(o, Math.ceil(train.count / o.batchSize));
  const optimizer: Optimizer =
    o.optimizer === 'adam'
      ? tfTrain.adam(o.learningRate, 0.9, 0.999, 1e-7)
      : nesterovSgd({ learningRate: o.learningRate, momentum: o.momentum });
  const history: History = { loss: [], acc: [], valLoss: [], valAcc: [] };
  const stopping = new EarlyStopping(o.earlyStopping);
  let stepper: Stepper | undefined;
  try {
    const resumed =
      options.checkpointDir && (options.resume ?? true)
        ? await resumeFromCheckpoint(options.checkpointDir, model, print, history, stopping)
        : null;
    if (o.workers === 1) {
      if (resumed) await restoreOptimizer(optimizer, resumed.optimizer);
      stepper = createSingleThreadStepper(
        model,
        optimizer,
        train,
        imageShape,
        classes,
        o,
        resumed?.optimizer.average ?? null,
      );
    } else {
      stepper = await createParallelStepper(
        model,
        optimizer,
        resumed?.optimizer ?? null,
        train,
        imageShape,
        classes,
        o,
        options.signal,
      );
    }
    const startEpoch = resumed?.epochsCompleted ?? 0;
    let previousMs = resumed?.timeMs ?? 0;
    let stoppedEarly = false;
    for (let epoch = startEpoch; epoch < o.epochs && !stoppedEarly; epoch++) {
      const epochStart = performance.now();
      const { loss, acc, learningRate } = await runEpoch(
        stepper,
        train.count,
        epoch,
        rates,
        o,
        options,
      );
      await stepper.syncModel();
      const logs: EpochLogs = { epoch, loss, acc, learningRate, timeMs: 0 };
      history.loss.push(loss);
      history.acc.push(acc);
      // With weight averaging, the averaged weights are validated (and kept by early stopping);
      // the live ones go back into the model for the checkpoint and the next epoch.
      const average = await stepper.average();
      const live = average ? plainModelWeights(model) : null;
      if (average) setPlainWeights(model, average.weights);
      try {
        if (validation) {
          const v = await evaluateModel(model, validation, { batchSize: o.evalBatchSize });
          logs.valLoss = v.loss;
          logs.valAcc = v.accuracy;
          history.valLoss.push(v.loss);
          history.valAcc.push(v.accuracy);
        }
        stoppedEarly = stopping.update(epoch, logs, model);
      } finally {
        if (live) setPlainWeights(model, live);
      }
      logs.timeMs = performance.now() - epochStart;
      previousMs += logs.timeMs;
      if (options.checkpointDir) {
        await writeCheckpoint(
          options.checkpointDir,
          model,
          await stepper.optimizerState(),
          {
            fingerprint: print,
            epochsCompleted: epoch + 1,
            history,
            timeMs: previousMs,
            earlyStopping: stopping.progress,
          },
          stopping.bestWeights,
        );
      }
      if (options.onEpochEnd) await options.onEpochEnd(epoch, logs);
      if (epoch + 1 < o.epochs && !stoppedEarly) throwIfAborted(options.signal, epoch + 1);
    }
    const final = await stepper.average();
    if (final) setPlainWeights(model, final.weights);
    return {
      history,
      epochs: history.loss.length,
      timeMs: performance.now() - started,
      totalTimeMs: previousMs,
      resumedFromEpoch: startEpoch,
      stoppedEarly,
      bestEpoch: stopping.restoreBest(model, history.loss.length - 1),
      workers: o.workers,
    };
  } finally {
    await stepper?.dispose();
    stopping.dispose();
    optimizer.dispose();
  }
}
