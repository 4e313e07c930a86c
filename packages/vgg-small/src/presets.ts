import { DEFAULT_CONFIG, type VggSmallConfig } from './config.js';
import type { TrainOptions } from './train.js';

/** A model configuration with the training options that go with it. */
export interface Preset {
  /** What the preset is for, and how its numbers were chosen. */
  description: string;
  model: Readonly<Partial<VggSmallConfig>>;
  training: Readonly<
    Pick<
      TrainOptions,
      'epochs' | 'batchSize' | 'learningRate' | 'learningRateDecay' | 'validationSplit' | 'augment'
    >
  >;
}

/**
 * Named configurations.
 *
 * - `seed`: the seed project's experiment: the full network (5,897,162 parameters), Adam, batch 256,
 *   50 epochs, its offline augmentation (one augmented copy of the training set appended). Meant for
 *   GPU backends: on this machine's wasm backend one epoch takes hours.
 * - `cpu`: a width-reduced network and schedule chosen by measurement to pass 90% test accuracy in
 *   at most 20 minutes of training on 2 CPU cores with tfjs-backend-wasm (see the README's table):
 *   92.25% in 16.2 minutes with 6 epochs (5 epochs: 91.98% in 13.6 minutes).
 * - `tiny`: seconds per epoch; for tests and smoke runs, not for accuracy.
 */
export const PRESETS = {
  seed: {
    description:
      'The seed project: 64/128/256 filters, dense 2048, Adam, batch 256, 50 epochs, offline augmentation.',
    model: DEFAULT_CONFIG,
    training: {
      epochs: 50,
      batchSize: 256,
      learningRate: 1e-3,
      learningRateDecay: 1,
      validationSplit: 0.1,
      augment: { mode: 'offline', copies: 1 },
    },
  },
  cpu: {
    description:
      'Measured on 2 cores with tfjs-backend-wasm and registerWasmTrainingKernels(): 12/24/48 filters, ' +
      'dense 256, lighter dropout, 6 epochs of batch 64 with a decaying learning rate: 92.25% test ' +
      'accuracy in 16.2 minutes of training (≥ 90% in ≤ 20 minutes).',
    model: { blockFilters: [12, 24, 48], denseUnits: [256], blockDropout: 0.1, denseDropout: 0.3 },
    training: {
      epochs: 6,
      batchSize: 64,
      learningRate: 2e-3,
      learningRateDecay: 0.7,
      validationSplit: 0.1,
      augment: false,
    },
  },
  tiny: {
    description: 'Seconds per epoch on a CPU: for tests and smoke runs.',
    model: { blockFilters: [8, 16], convsPerBlock: 1, denseUnits: [32] },
    training: {
      epochs: 2,
      batchSize: 64,
      learningRate: 2e-3,
      learningRateDecay: 1,
      validationSplit: 0.1,
      augment: false,
    },
  },
} as const satisfies Record<string, Preset>;

/** Names of {@link PRESETS}. */
export type PresetName = keyof typeof PRESETS;
