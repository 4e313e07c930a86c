import { createHash } from 'node:crypto';
import {
  type AugmenterOptions,
  augmentOffline,
  createAugmenter,
  createRandomEraser,
  createRng,
  type ErasingOptions,
} from '@fmnist/augment';
import { permutation, scaleImages, trainValidationSplit } from '@fmnist/data';
import {
  argMax,
  cast,
  clipByValue,
  dispose,
  equal,
  keep,
  log,
  mean,
  mul,
  neg,
  oneHot,
  type Scalar,
  sum,
  type Tensor,
  tensor,
  tensor1d,
  tidy,
  train,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  type History,
  type NamedTensor,
  readLatestCheckpoint,
  restoreOptimizer,
  writeCheckpoint,
} from './checkpoint.js';
import {
  CheckpointError,
  InvalidConfigError,
  InvalidDataError,
  TrainingAbortedError,
} from './errors.js';
import {
  evaluateModel,
  fillBatch,
  type ImageArray,
  imageCount,
  type LabelledImages,
  modelIo,
} from './evaluate.js';
import { deriveSeed, STREAM } from './seeds.js';

export type { History } from './checkpoint.js';

/** How augmentation is applied: fresh random transforms every epoch, or the seed's fixed copies. */
export type AugmentMode = 'online' | 'offline';

/** Augmentation settings of {@link trainVggSmall} (transforms and eraser from `@fmnist/augment`). */
export interface AugmentSettings {
  /**
   * `'online'` (default): every epoch sees a new random transform of every image.
   * `'offline'`: the seed project's way: `copies` augmented copies are made once and appended to the
   * originals, then training runs on the enlarged set without further augmentation.
   */
  mode?: AugmentMode;
  /** Augmented copies appended in `'offline'` mode. Default 1 (the seed's doubling). */
  copies?: number;
  /** Keras `ImageDataGenerator` options. Default {@link DEFAULT_AUGMENTATION}`.transform`. */
  transform?: Omit<AugmenterOptions, 'preprocessingFunction'>;
  /** Random erasing after the transform, or `false`. Default {@link DEFAULT_AUGMENTATION}`.erasing`. */
  erasing?: ErasingOptions | false;
}

/** The augmentation used when `augment: true`: small affine jitter and random erasing (p = 0.5). */
export const DEFAULT_AUGMENTATION = Object.freeze({
  mode: 'online' as AugmentMode,
  copies: 1,
  transform: Object.freeze({
    rotationRange: 10,
    widthShiftRange: 0.1,
    heightShiftRange: 0.1,
    zoomRange: 0.1,
    fillMode: 'nearest' as const,
  }),
  erasing: Object.freeze({ p: 0.5, vl: 0, vh: 1 }) as ErasingOptions,
});

/** Early stopping (Keras' `EarlyStopping` callback). */
export interface EarlyStoppingOptions {
  /** Quantity watched. Default `'valLoss'` (`'loss'` when there is no validation set). */
  monitor?: 'valLoss' | 'valAcc' | 'loss' | 'acc';
  /** Epochs without improvement before stopping. Default 3. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends. Default true. */
  restoreBestWeights?: boolean;
}

/** Figures of one finished epoch, given to `onEpochEnd`. */
export interface EpochLogs {
  /** 0-based epoch. */
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  learningRate: number;
  /** Wall time of the epoch, validation included. */
  timeMs: number;
}

/** Figures of one training step, given to `onBatchEnd`. */
export interface BatchLogs {
  epoch: number;
  /** 0-based batch within the epoch, and the number of batches of the epoch. */
  batch: number;
  batches: number;
  /** Loss and accuracy of this batch (training mode: dropout on). */
  loss: number;
  acc: number;
  size: number;
}

/** Options of {@link trainVggSmall}. Presets provide most of them (`PRESETS.cpu.training`). */
export interface TrainOptions {
  /** Epochs to reach (a resumed run continues up to this number). Default 10. */
  epochs?: number;
  /** Images per step. Default 128. */
  batchSize?: number;
  /** Adam learning rate. Default 0.001 (Keras' default). */
  learningRate?: number;
  /** The learning rate is multiplied by this after each epoch. Default 1 (constant). */
  learningRateDecay?: number;
  /**
   * Fraction of the training data held out for validation (a seeded random subset). Default 0.1.
   * Ignored when `validationData` is given; 0 for none.
   */
  validationSplit?: number;
  /** An explicit validation set instead of `validationSplit`. */
  validationData?: LabelledImages;
  /** `false` (default), `true` (online, {@link DEFAULT_AUGMENTATION}), a mode, or settings. */
  augment?: boolean | AugmentMode | AugmentSettings;
  /** Seed of every random choice of training: split, order, augmentation, dropout. Default 42. */
  seed?: number;
  /** Write a checkpoint there after every epoch and resume from the newest one found. */
  checkpointDir?: string;
  /** Resume from `checkpointDir` when it holds a checkpoint. Default true. */
  resume?: boolean;
  /** Stop when the monitored quantity stops improving (`true` for the defaults). */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Called after every epoch (awaited). */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Called after every step (awaited). */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | Promise<void>;
  /**
   * Stops training: checked before every step and after every epoch. Training then rejects with
   * {@link TrainingAbortedError}; the last checkpoint holds the last complete epoch.
   */
  signal?: AbortSignal;
  /** Batch size of the validation pass. Default 500. */
  evalBatchSize?: number;
}

/** Result of {@link trainVggSmall}. */
export interface TrainResult {
  /** One entry per completed epoch, including epochs from a resumed checkpoint. */
  history: History;
  /** Epochs completed in total. */
  epochs: number;
  /** Training wall time of this call (ms). */
  timeMs: number;
  /** Training wall time of all epochs, over resumed sessions (ms). */
  totalTimeMs: number;
  /** Epoch count restored from a checkpoint (0 when starting fresh). */
  resumedFromEpoch: number;
  /** Whether early stopping ended training. */
  stoppedEarly: boolean;
  /** 0-based epoch whose weights the model holds when `restoreBestWeights` applied, else undefined. */
  bestEpoch?: number;
}

interface ResolvedOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  validationSplit: number;
  seed: number;
  augment: Required<AugmentSettings> | null;
  earlyStopping: Required<EarlyStoppingOptions> | null;
  evalBatchSize: number;
}

function resolveAugment(a: TrainOptions['augment']): Required<AugmentSettings> | null {
  if (a === undefined || a === false) return null;
  const s: AugmentSettings = a === true ? {} : typeof a === 'string' ? { mode: a } : a;
  const mode = s.mode ?? DEFAULT_AUGMENTATION.mode;
  if (mode !== 'online' && mode !== 'offline') {
    throw new InvalidConfigError(
      `augment.mode must be 'online' or 'offline', got ${String(mode)}.`,
    );
  }
  const copies = s.copies ?? DEFAULT_AUGMENTATION.copies;
  if (!Number.isInteger(copies) || copies < 1) {
    throw new InvalidConfigError(`augment.copies must be a positive integer, got ${copies}.`);
  }
  return {
    mode,
    copies,
    transform: s.transform ?? DEFAULT_AUGMENTATION.transform,
    erasing: s.erasing === undefined ? DEFAULT_AUGMENTATION.erasing : s.erasing,
  };
}

function resolveOptions(o: TrainOptions): ResolvedOptions {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) {
      throw new InvalidConfigError(`${name} must be an integer ≥ ${min}, got ${v}.`);
    }
    return v;
  };
  const epochs = int('epochs', o.epochs ?? 10, 1);
  const batchSize = int('batchSize', o.batchSize ?? 128, 1);
  const seed = int('seed', o.seed ?? 42, Number.MIN_SAFE_INTEGER);
  const learningRate = o.learningRate ?? 1e-3;
  if (!(learningRate > 0))
    throw new InvalidConfigError(`learningRate must be > 0, got ${learningRate}.`);
  const learningRateDecay = o.learningRateDecay ?? 1;
  if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
    throw new InvalidConfigError(`learningRateDecay must be in (0, 1], got ${learningRateDecay}.`);
  }
  const validationSplit = o.validationData ? 0 : (o.validationSplit ?? 0.1);
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new InvalidConfigError(`validationSplit must be in [0, 1), got ${validationSplit}.`);
  }
  let earlyStopping: Required<EarlyStoppingOptions> | null = null;
  if (o.earlyStopping) {
    const e = o.earlyStopping === true ? {} : o.earlyStopping;
    const hasVal = validationSplit > 0 || !!o.validationData;
    earlyStopping = {
      monitor: e.monitor ?? (hasVal ? 'valLoss' : 'loss'),
      patience: int('earlyStopping.patience', e.patience ?? 3, 0),
      minDelta: e.minDelta ?? 0,
      restoreBestWeights: e.restoreBestWeights ?? true,
    };
    if (earlyStopping.monitor.startsWith('val') && !hasVal) {
      throw new InvalidConfigError(
        `earlyStopping.monitor is ${earlyStopping.monitor} but there is no validation set.`,
      );
    }
  }
  return {
    epochs,
    batchSize,
    learningRate,
    learningRateDecay,
    validationSplit,
    seed,
    augment: resolveAugment(o.augment),
    earlyStopping,
    evalBatchSize: int('evalBatchSize', o.evalBatchSize ?? 500, 1),
  };
}

/** Keras' categorical cross-entropy on probabilities. */
function crossEntropy(y: Tensor, p: Tensor): Scalar {
  return mean(neg(sum(mul(y, log(clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as Scalar;
}

function checkLabelled(data: LabelledImages, imageShape: number[], classes: number, what: string) {
  if (!data?.images || !data.labels) {
    throw new InvalidDataError(
      `${what} must be { images, labels, count } (a Split of @fmnist/data).`,
    );
  }
  const n = imageCount(data.images, imageShape, `${what}.images`);
  if (n !== data.count || data.labels.length !== data.count) {
    throw new InvalidDataError(
      `${what}: count is ${data.count} but there are ${n} images and ${data.labels.length} labels.`,
    );
  }
  for (let i = 0; i < data.labels.length; i++) {
    if (data.labels[i]! >= classes) {
      throw new InvalidDataError(
        `${what}: label ${data.labels[i]} at index ${i} is not below ${classes}.`,
      );
    }
  }
}

function toFloat(images: ImageArray): Float32Array {
  return images instanceof Float32Array ? images : scaleImages(images);
}

/** A short stable digest of what must not change between a run and its resumption. */
function fingerprint(
  model: LayersModel,
  o: ResolvedOptions,
  data: LabelledImages,
  val?: LabelledImages,
) {
  const h = createHash('sha256');
  h.update(JSON.stringify(model.toJSON(null, false)));
  h.update(
    JSON.stringify({
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      learningRateDecay: o.learningRateDecay,
      validationSplit: o.validationSplit,
      seed: o.seed,
      augment: o.augment,
      count: data.count,
      validationCount: val?.count ?? 0,
    }),
  );
  h.update(data.labels);
  h.update(
    new Uint8Array(
      data.images.buffer,
      data.images.byteOffset,
      Math.min(data.images.byteLength, 1 << 16),
    ),
  );
  return h.digest('hex').slice(0, 32);
}

interface DropoutLike {
  getClassName(): string;
  seed?: number;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

function namedWeights(model: LayersModel): NamedTensor[] {
  return model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
}

/**
 * Trains a model built by `createVggSmall` (or any single-input softmax classifier) with Adam on
 * `@fmnist/data` images, on whichever tfjs backend is active.
 *
 * - Deterministic: with the same `seed`, backend and data, the split, the order of every epoch,
 *   the augmentation and the dropout masks are the same, and so is the result.
 * - Validation split, online or offline augmentation from `@fmnist/augment`, history, early
 *   stopping, per-batch and per-epoch callbacks, `AbortSignal`.
 * - With `checkpointDir`, a checkpoint (weights, Adam state, history, early-stopping state) is
 *   written atomically after every epoch, and a later call with the same setup resumes after the
 *   last complete epoch, reproducing the uninterrupted run.
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
  const o = resolveOptions(options);
  const { imageShape, classes } = modelIo(model);
  const [H, W, C] = imageShape;
  const size = H * W * C;
  checkLabelled(data, imageShape, classes, 'data');
  if (options.validationData) {
    checkLabelled(options.validationData, imageShape, classes, 'validationData');
  }

  // Data: split (on the caller's arrays, uint8 stays uint8), then float 0..1, offline augmentation.
  let trainPart: LabelledImages = data;
  let valSet: LabelledImages | undefined;
  if (options.validationData) {
    valSet = options.validationData;
  } else if (o.validationSplit > 0) {
    const parts = trainValidationSplit(data as Parameters<typeof trainValidationSplit>[0], {
      validationSplit: o.validationSplit,
      seed: deriveSeed(o.seed, STREAM.split),
    });
    trainPart = parts.train as LabelledImages;
    valSet = parts.validation as LabelledImages;
  }
  let trainSet: { images: Float32Array<ArrayBufferLike>; labels: Uint8Array; count: number } = {
    images: toFloat(trainPart.images),
    labels: trainPart.labels,
    count: trainPart.count,
  };
  if (trainSet.count === 0)
    throw new InvalidDataError('No training images left after the validation split.');
  const eraser = o.augment?.erasing ? createRandomEraser(o.augment.erasing) : undefined;
  const augmenter = o.augment
    ? createAugmenter({
        ...o.augment.transform,
        ...(eraser ? { preprocessingFunction: eraser } : {}),
      })
    : undefined;
  if (o.augment?.mode === 'offline' && augmenter) {
    const r = augmentOffline(
      trainSet.images,
      trainSet.labels,
      [trainSet.count, H, W, C],
      o.augment.copies,
      augmenter,
      deriveSeed(o.seed, STREAM.offline),
    );
    trainSet = { images: r.images, labels: r.labels, count: r.shape[0] };
  }
  const online = o.augment?.mode === 'online' ? augmenter : undefined;

  const optimizer = train.adam(o.learningRate, 0.9, 0.999, 1e-7);
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const dropouts = model.layers.filter(
    (l) => (l as unknown as DropoutLike).getClassName() === 'Dropout',
  ) as unknown as DropoutLike[];
  const dropoutSeeds = dropouts.map((d) => d.seed);
  const print = fingerprint(model, o, data, valSet);

  const history: History = { loss: [], acc: [], valLoss: [], valAcc: [] };
  let startEpoch = 0;
  let previousMs = 0;
  let es = o.earlyStopping ? { best: Number.NaN, bestEpoch: -1, wait: 0 } : null;
  let best: NamedTensor[] | null = null; // weights of the best epoch (restoreBestWeights)

  try {
    if (options.checkpointDir && (options.resume ?? true)) {
      const ckpt = await readLatestCheckpoint(options.checkpointDir);
      if (ckpt) {
        try {
          if (ckpt.state.fingerprint !== print) {
            throw new CheckpointError(
              'CHECKPOINT_MISMATCH',
              ckpt.dir,
              `The checkpoint in ${ckpt.dir} comes from a different setup (model, data, seed, batch size, ` +
                'learning rate or augmentation). Use another checkpointDir, or pass resume: false to start over.',
            );
          }
          model.loadWeights(ckpt.modelWeights, true);
          await restoreOptimizer(optimizer, ckpt.optimizerWeights, ckpt.state.adam);
          startEpoch = ckpt.state.epochsCompleted;
          previousMs = ckpt.state.timeMs;
          Object.assign(history, structuredClone(ckpt.state.history));
          if (es && ckpt.state.earlyStopping) es = { ...ckpt.state.earlyStopping };
          if (o.earlyStopping?.restoreBestWeights && ckpt.bestWeights) {
            best = Object.entries(ckpt.bestWeights).map(([name, t]) => ({
              name,
              tensor: keep(t.clone()),
            }));
          }
        } finally {
          dispose(Object.values(ckpt.modelWeights));
          dispose(ckpt.optimizerWeights.map((w) => w.tensor));
          if (ckpt.bestWeights) dispose(Object.values(ckpt.bestWeights));
        }
      }
    }

    const n = trainSet.count;
    const batches = Math.ceil(n / o.batchSize);
    const xBuf = new Float32Array(Math.min(n, o.batchSize) * size);
    const augBuf = online ? new Float32Array(xBuf.length) : undefined;
    const yBuf = new Int32Array(Math.min(n, o.batchSize));
    let stoppedEarly = false;
    let epoch = startEpoch;

    const checkAbort = (completed: number) => {
      if (options.signal?.aborted)
        throw new TrainingAbortedError(completed, { cause: options.signal.reason });
    };

    for (; epoch < o.epochs && !stoppedEarly; epoch++) {
      const epochStart = performance.now();
      const lr = o.learningRate * o.learningRateDecay ** epoch;
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const order = permutation(n, deriveSeed(o.seed, STREAM.shuffle, epoch));
      const augRng = online ? createRng(deriveSeed(o.seed, STREAM.augment, epoch)) : undefined;
      let lossSum = 0;
      let correctSum = 0;
      for (let b = 0; b < batches; b++) {
        checkAbort(epoch);
        const start = b * o.batchSize;
        const count = Math.min(o.batchSize, n - start);
        for (let j = 0; j < count; j++) {
          const i = order[start + j]!;
          fillBatch(trainSet.images, size, i, i + 1, xBuf.subarray(j * size, (j + 1) * size));
          yBuf[j] = trainSet.labels[i]!;
        }
        let x: Float32Array = xBuf.subarray(0, count * size);
        if (online && augBuf && augRng) {
          x = online.augmentBatch(x, [count, H, W, C], augRng, {
            out: augBuf.subarray(0, count * size),
          });
        }
        dropouts.forEach((d, k) => {
          d.seed = deriveSeed(o.seed, STREAM.dropout, epoch, b, k);
        });
        const [costT, correctT] = tidy(() => {
          const xs = tensor(x, [count, H, W, C]);
          const labels = tensor1d(yBuf.subarray(0, count), 'int32');
          const ys = oneHot(labels, classes);
          let correct: Tensor | undefined;
          const cost = optimizer.minimize(
            () => {
              const p = model.apply(xs, { training: true }) as Tensor;
              correct = keep(sum(cast(equal(argMax(p, -1), labels), 'float32')));
              return crossEntropy(ys, p);
            },
            true,
            vars,
          ) as Scalar;
          return [cost, correct!];
        });
        dropouts.forEach((d, k) => {
          d.seed = dropoutSeeds[k];
        });
        const loss = (await costT.data())[0]!;
        const correct = (await correctT.data())[0]!;
        dispose([costT, correctT]);
        lossSum += loss * count;
        correctSum += correct;
        if (options.onBatchEnd) {
          await options.onBatchEnd(b, {
            epoch,
            batch: b,
            batches,
            loss,
            acc: correct / count,
            size: count,
          });
        }
        await yieldToEventLoop();
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / n,
        acc: correctSum / n,
        learningRate: lr,
        timeMs: 0,
      };
      history.loss.push(logs.loss);
      history.acc.push(logs.acc);
      if (valSet) {
        const v = await evaluateModel(model, valSet, { batchSize: o.evalBatchSize });
        logs.valLoss = v.loss;
        logs.valAcc = v.accuracy;
        history.valLoss.push(v.loss);
        history.valAcc.push(v.accuracy);
      }
      if (es && o.earlyStopping) {
        const e = o.earlyStopping;
        const value = logs[e.monitor] as number;
        const higherIsBetter = e.monitor.endsWith('cc');
        const improved =
          es.bestEpoch < 0 ||
          (higherIsBetter ? value - e.minDelta > es.best : value + e.minDelta < es.best);
        if (improved) {
          es = { best: value, bestEpoch: epoch, wait: 0 };
          if (e.restoreBestWeights) {
            if (best) dispose(best.map((w) => w.tensor));
            best = namedWeights(model).map((w) => ({
              name: w.name,
              tensor: keep(w.tensor.clone()),
            }));
          }
        } else {
          es.wait++;
          if (es.wait > e.patience) stoppedEarly = true;
        }
      }
      logs.timeMs = performance.now() - epochStart;
      previousMs += logs.timeMs;
      if (options.checkpointDir) {
        await writeCheckpoint(
          options.checkpointDir,
          model,
          optimizer,
          {
            fingerprint: print,
            epochsCompleted: epoch + 1,
            history,
            timeMs: previousMs,
            earlyStopping: es,
          },
          best,
        );
      }
      if (options.onEpochEnd) await options.onEpochEnd(epoch, logs);
      if (epoch + 1 < o.epochs && !stoppedEarly) checkAbort(epoch + 1);
    }

    let bestEpoch: number | undefined;
    if (best && es && es.bestEpoch >= 0 && es.bestEpoch !== history.loss.length - 1) {
      const map = Object.fromEntries(best.map((w) => [w.name, w.tensor]));
      model.loadWeights(map, true);
      bestEpoch = es.bestEpoch;
    }
    return {
      history,
      epochs: history.loss.length,
      timeMs: performance.now() - started,
      totalTimeMs: previousMs,
      resumedFromEpoch: startEpoch,
      stoppedEarly,
      bestEpoch,
    };
  } finally {
    dropouts.forEach((d, k) => {
      d.seed = dropoutSeeds[k];
    });
    if (best) dispose(best.map((w) => w.tensor));
    optimizer.dispose();
  }
}
