/**
 * `@fmnist/vgg-small`: the VGG-style CNN for Fashion-MNIST on TensorFlow.js: a configurable builder
 * with presets, seeded training with augmentation, checkpoints and resume (on one thread or, with
 * `workers`, data-parallel on worker threads), batched evaluation, save/load to a directory without
 * tfjs-node, the wasm kernels training needs, and pretrained weights.
 *
 * The rest is behind subpaths:
 * - `@fmnist/vgg-small/browser`: the part with no Node module (builder, presets, inference, errors)
 *   and loading models over HTTP (`loadModelFrom`, `loadPretrainedFrom`, `pretrainedUrls`).
 * - `@fmnist/vgg-small/recipe`: the training recipe's building blocks (schedules, label smoothing,
 *   weight decay, Nesterov SGD, weight averaging, flip averaging) for a hand-written training loop.
 * - `@fmnist/vgg-small/parallel`: the data-parallel trainer itself (`DataParallelTrainer`).
 * @packageDocumentation
 */

// Training (the recipe's options included; `workers` for data-parallel training).
export type { History } from './checkpoint.js';
// Builder, presets, inference and evaluation, errors (the browser entry point has the same).
export * from './core.js';
// Save/load to a directory (node:fs).
export { loadModel, modelDirHandler, type SaveModelOptions, saveModel } from './io.js';
// The shipped weights, from the package folder.
export { loadPretrained, pretrainedDir, pretrainedInfo } from './pretrained.js';
export {
  type AugmentMode,
  type AugmentSettings,
  type BatchLogs,
  DEFAULT_AUGMENTATION,
  type EarlyStoppingOptions,
  type EpochLogs,
  type LearningRateSchedule,
  type TrainOptions,
  type TrainResult,
  type WeightAveragingOptions,
} from './train/options.js';
export { trainVggSmall } from './train.js';
export { registerWasmTrainingKernels, wasmTrainingKernelsRegistered } from './wasm-kernels.js';
