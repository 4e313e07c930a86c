import { availableParallelism } from 'node:os';
import type { AugmenterOptions, ErasingOptions } from '@fmnist/augment';
import type { History } from '../checkpoint.js';
import { InvalidConfigError } from '../errors.js';
import type { LabelledImages } from '../evaluate.js';
import type { OneCycleOptions, WarmupCosineOptions } from '../recipe/schedules.js';
import type { UpdateWeightDecay } from './apply-update.js';

/**
 * A learning-rate schedule over the whole run's steps (`epochs × ceil(trainCount / batchSize)`):
 * one-cycle (PyTorch's `OneCycleLR`; `maxLearningRate` defaults to `learningRate`; with
 * `'sgd-nesterov'` the momentum cycles too, between `baseMomentum` and `maxMomentum`, unless
 * `cycleMomentum: false`), or linear warm-up then cosine (`peakLearningRate` defaults to
 * `learningRate`). See the README's "Training recipe".
 */
export type LearningRateSchedule =
  | ({ kind: 'one-cycle'; cycleMomentum?: boolean } & Partial<OneCycleOptions>)
  | ({ kind: 'warmup-cosine' } & Partial<WarmupCosineOptions>);

/** Exponential moving average of the weights ({@link TrainOptions.weightAveraging}). */
export interface WeightAveragingOptions {
  /** Decay d (`avg ← d·avg + (1 − d)·w` after each step). Default 0.999. */
  decay?: number;
  /** Use `min(d, (1 + n)/(10 + n))` at the n-th step (TensorFlow's EMA warm-up). Default true. */
  warmup?: boolean;
}

/** How augmentation is applied: fresh random transforms every epoch, or fixed copies made once (the reference experiment's way). */
export type AugmentMode = 'online' | 'offline';

/** Augmentation settings of {@link trainVggSmall} (transforms and eraser from `@fmnist/augment`). */
export interface AugmentSettings {
  /**
   * `'online'` (default): every epoch sees a new random transform of every image.
   * `'offline'`: the reference experiment's way: `copies` augmented copies are made once and appended to the
   * originals, then training runs on the enlarged set without further augmentation.
   */
  mode?: AugmentMode;
  /** Augmented copies appended in `'offline'` mode. Default 1 (the reference experiment's doubling). */
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
  /** Validation loss and accuracy (of the averaged weights with `weightAveraging`). */
  valLoss?: number;
  valAcc?: number;
  /** Learning rate of the epoch's last step (the epoch's rate without a `schedule`). */
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
  /** Learning rate (the peak of a `schedule` unless it says otherwise). Default 0.001 (Keras' Adam default). */
  learningRate?: number;
  /** The learning rate is multiplied by this after each epoch. Default 1 (constant). Not with `schedule`. */
  learningRateDecay?: number;
  /**
   * `'adam'` (default; β 0.9/0.999, ε 1e-7, as Keras) or `'sgd-nesterov'` (SGD with Nesterov
   * momentum, PyTorch's `SGD(nesterov=True)`; see {@link nesterovSgd}).
   */
  optimizer?: 'adam' | 'sgd-nesterov';
  /** Momentum of `'sgd-nesterov'` when no one-cycle schedule cycles it. Default 0.9. */
  momentum?: number;
  /** Learning rate per step instead of the per-epoch `learningRateDecay`. Default: none. */
  schedule?: LearningRateSchedule;
  /** Label smoothing ε of the training loss, in [0, 1). Default 0 (plain cross-entropy). */
  labelSmoothing?: number;
  /**
   * Weight decay of the kernels (rank ≥ 2; biases and batch norm are not decayed): a rate
   * (decoupled, AdamW / SGDW: `w ← w·(1 − lr·rate)` before each step) or `{ rate, mode }` with
   * `mode: 'coupled'` for PyTorch's `SGD(weight_decay)` (`rate·w` added to the gradients).
   * Default 0 (none).
   */
  weightDecay?: number | { rate: number; mode?: 'decoupled' | 'coupled' };
  /**
   * An exponential moving average of every weight (batch-norm statistics included), updated after
   * each step: `true` for the defaults, or options. The averaged weights are the final model, and
   * the ones validated (and kept by early stopping); checkpoints hold the average too, so resume
   * stays bit-exact. Default: none.
   */
  weightAveraging?: boolean | WeightAveragingOptions;
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
   * Stops training: checked before every step and after every epoch (with workers, it also stops
   * every worker at once, in the middle of a step). Training then rejects with {@link AbortedError};
   * the last checkpoint holds the last complete epoch (with workers, so does the model).
   */
  signal?: AbortSignal;
  /** Batch size of the validation pass. Default 500. */
  evalBatchSize?: number;
  /**
   * Worker threads that train data-parallel, each on its share of every batch: `'auto'` for one per
   * core (`os.availableParallelism()`, at most `batchSize`), or a number. Default 1: today's
   * single-thread path on the calling thread's backend, no workers. With N > 1 the result is
   * reproducible bit for bit for the same seed and N (a different N trains the same way, not with
   * the same bits); see the README's "Training on every core".
   */
  workers?: 'auto' | number;
  /**
   * Backend of the worker threads (N > 1): `'wasm'` (with `registerWasmTrainingKernels()`) or `'cpu'`.
   * Default: the calling thread's backend when it is one of those, else `'wasm'`.
   */
  workerBackend?: 'wasm' | 'cpu';
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
  /** Worker threads that trained (1: the single-thread path, no worker). */
  workers: number;
}

/** {@link TrainOptions} checked, with every default filled in. */
export interface ResolvedOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  validationSplit: number;
  seed: number;
  augment: Required<AugmentSettings> | null;
  earlyStopping: Required<EarlyStoppingOptions> | null;
  evalBatchSize: number;
  workers: number;
  workerBackend: 'wasm' | 'cpu';
  optimizer: 'adam' | 'sgd-nesterov';
  momentum: number;
  schedule: LearningRateSchedule | null;
  labelSmoothing: number;
  weightDecay: UpdateWeightDecay | null;
  weightAveraging: Required<WeightAveragingOptions> | null;
}

/** Whether `o` uses any recipe option (false: the behaviour, and fingerprint, of earlier versions). */
export function usesRecipe(o: ResolvedOptions): boolean {
  return (
    o.optimizer !== 'adam' ||
    o.schedule !== null ||
    o.labelSmoothing !== 0 ||
    o.weightDecay !== null ||
    o.weightAveraging !== null
  );
}

function resolveRecipe(o: TrainOptions) {
  const optimizer = o.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd-nesterov') {
    throw new InvalidConfigError({
      option: 'optimizer',
      expected: "'adam' or 'sgd-nesterov'",
      value: optimizer,
    });
  }
  const momentum = o.momentum ?? 0.9;
  if (!(momentum >= 0 && momentum < 1)) {
    throw new InvalidConfigError({ option: 'momentum', expected: 'in [0, 1)', value: momentum });
  }
  const schedule = o.schedule ?? null;
  if (schedule !== null) {
    if (schedule.kind !== 'one-cycle' && schedule.kind !== 'warmup-cosine') {
      throw new InvalidConfigError({
        option: 'schedule.kind',
        expected: "'one-cycle' or 'warmup-cosine'",
        value: (schedule as { kind: unknown }).kind,
      });
    }
    if ((o.learningRateDecay ?? 1) !== 1) {
      throw new InvalidConfigError({
        option: 'learningRateDecay',
        expected: '1 (or omitted) when a schedule is given: the schedule sets every step’s rate',
        value: o.learningRateDecay,
      });
    }
  }
  const labelSmoothing = o.labelSmoothing ?? 0;
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new InvalidConfigError({
      option: 'labelSmoothing',
      expected: 'in [0, 1)',
      value: labelSmoothing,
    });
  }
  const wd = o.weightDecay ?? 0;
  const wdRate = typeof wd === 'number' ? wd : wd.rate;
  const wdMode = typeof wd === 'number' ? 'decoupled' : (wd.mode ?? 'decoupled');
  if (!(wdRate >= 0) || !Number.isFinite(wdRate)) {
    throw new InvalidConfigError({ option: 'weightDecay', expected: 'a rate ≥ 0', value: wdRate });
  }
  if (wdMode !== 'decoupled' && wdMode !== 'coupled') {
    throw new InvalidConfigError({
      option: 'weightDecay.mode',
      expected: "'decoupled' or 'coupled'",
      value: wdMode,
    });
  }
  let weightAveraging: Required<WeightAveragingOptions> | null = null;
  if (o.weightAveraging) {
    const w = o.weightAveraging === true ? {} : o.weightAveraging;
    weightAveraging = { decay: w.decay ?? 0.999, warmup: w.warmup ?? true };
    if (!(weightAveraging.decay >= 0 && weightAveraging.decay < 1)) {
      throw new InvalidConfigError({
        option: 'weightAveraging.decay',
        expected: 'in [0, 1)',
        value: weightAveraging.decay,
      });
    }
  }
  return {
    optimizer,
    momentum,
    schedule,
    labelSmoothing,
    weightDecay: wdRate > 0 ? { rate: wdRate, mode: wdMode } : null,
    weightAveraging,
  } as const;
}

function resolveAugment(a: TrainOptions['augment']): Required<AugmentSettings> | null {
  if (a === undefined || a === false) return null;
  const s: AugmentSettings = a === true ? {} : typeof a === 'string' ? { mode: a } : a;
  const mode = s.mode ?? DEFAULT_AUGMENTATION.mode;
  if (mode !== 'online' && mode !== 'offline') {
    throw new InvalidConfigError({
      option: 'augment.mode',
      expected: "'online' or 'offline'",
      value: mode,
    });
  }
  const copies = s.copies ?? DEFAULT_AUGMENTATION.copies;
  if (!Number.isInteger(copies) || copies < 1) {
    throw new InvalidConfigError({
      option: 'augment.copies',
      expected: 'a positive integer',
      value: copies,
    });
  }
  return {
    mode,
    copies,
    transform: s.transform ?? DEFAULT_AUGMENTATION.transform,
    erasing: s.erasing === undefined ? DEFAULT_AUGMENTATION.erasing : s.erasing,
  };
}

/** Checks `o` and fills in the defaults. `backend` is the calling thread's tfjs backend. */
export function resolveOptions(o: TrainOptions, backend: string): ResolvedOptions {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) {
      throw new InvalidConfigError({ option: name, expected: `an integer ≥ ${min}`, value: v });
    }
    return v;
  };
  const epochs = int('epochs', o.epochs ?? 10, 1);
  const batchSize = int('batchSize', o.batchSize ?? 128, 1);
  const seed = int('seed', o.seed ?? 42, Number.MIN_SAFE_INTEGER);
  const learningRate = o.learningRate ?? 1e-3;
  if (!(learningRate > 0))
    throw new InvalidConfigError({ option: 'learningRate', expected: '> 0', value: learningRate });
  const learningRateDecay = o.learningRateDecay ?? 1;
  if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
    throw new InvalidConfigError({
      option: 'learningRateDecay',
      expected: 'in (0, 1]',
      value: learningRateDecay,
    });
  }
  const validationSplit = o.validationData ? 0 : (o.validationSplit ?? 0.1);
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new InvalidConfigError({
      option: 'validationSplit',
      expected: 'in [0, 1)',
      value: validationSplit,
    });
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
      throw new InvalidConfigError({
        option: 'earlyStopping.monitor',
        expected: "'loss' or 'acc' when there is no validation set (or give validationSplit > 0)",
        value: earlyStopping.monitor,
      });
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
    workers: resolveWorkers(o.workers, batchSize),
    workerBackend: resolveWorkerBackend(o.workerBackend, backend),
    ...resolveRecipe(o),
  };
}

function resolveWorkers(w: TrainOptions['workers'], batchSize: number): number {
  if (w === undefined) return 1;
  if (w === 'auto') return Math.max(1, Math.min(availableParallelism(), batchSize));
  if (!Number.isInteger(w) || (w as number) < 1) {
    throw new InvalidConfigError({
      option: 'workers',
      expected: "'auto' or an integer ≥ 1",
      value: w,
    });
  }
  if ((w as number) > batchSize) {
    throw new InvalidConfigError({
      option: 'workers',
      expected: `at most batchSize (${batchSize}): each worker trains on a share of every batch`,
      value: w,
    });
  }
  return w as number;
}

function resolveWorkerBackend(b: TrainOptions['workerBackend'], current: string): 'wasm' | 'cpu' {
  if (b === undefined) return current === 'cpu' ? 'cpu' : 'wasm';
  if (b !== 'wasm' && b !== 'cpu') {
    throw new InvalidConfigError({
      option: 'workerBackend',
      expected: "'wasm' or 'cpu'",
      value: b,
    });
  }
  return b;
}
