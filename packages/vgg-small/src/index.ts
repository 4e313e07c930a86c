/**
 * `@fmnist/vgg-small`: the VGG-style CNN for Fashion-MNIST on TensorFlow.js: a configurable builder
 * with presets, seeded training with augmentation, checkpoints and resume, data-parallel training on
 * worker threads, batched evaluation,
 * save/load to a directory without tfjs-node, loading over HTTP, the wasm kernels training needs,
 * and pretrained weights. Browsers: `@fmnist/vgg-small/browser` (no Node module).
 * @packageDocumentation
 */

// Everything the browser entry point has (builder, presets, inference, loading over HTTP, errors)…
export * from './browser.js';
// …and what needs Node: save/load to a directory, the shipped weights from disk, training (on one
// thread or data-parallel on worker threads), the wasm training kernels.
export { loadModel, modelDirHandler, type SaveModelOptions, saveModel } from './io.js';
export {
  type DataParallelOptions,
  type DataParallelStep,
  DataParallelTrainer,
  type UpdateMode,
} from './parallel/trainer.js';
export { loadPretrained, pretrainedDir, pretrainedInfo } from './pretrained.js';
// The training recipe tfjs lacks: schedules, label smoothing, weight decay, averaging, flip TTA.
export * from './recipe/index.js';
export {
  type AugmentMode,
  type AugmentSettings,
  type BatchLogs,
  DEFAULT_AUGMENTATION,
  type EarlyStoppingOptions,
  type EpochLogs,
  type History,
  type LearningRateSchedule,
  type TrainOptions,
  type TrainResult,
  trainVggSmall,
  type WeightAveragingOptions,
} from './train.js';
export { registerWasmTrainingKernels, wasmTrainingKernelsRegistered } from './wasm-kernels.js';
