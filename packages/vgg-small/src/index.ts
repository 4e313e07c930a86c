/**
 * `@fmnist/vgg-small`: the VGG-style CNN for Fashion-MNIST on TensorFlow.js: a configurable builder
 * with presets, seeded training with augmentation, checkpoints and resume, batched evaluation,
 * save/load to a directory without tfjs-node, loading over HTTP, the wasm kernels training needs,
 * and pretrained weights. Browsers: `@fmnist/vgg-small/browser` (no Node module).
 * @packageDocumentation
 */

// Everything the browser entry point has (builder, presets, inference, loading over HTTP, errors)…
export * from './browser.js';
// …and what needs Node: checkpoints, save/load to a directory, the shipped weights from disk,
// training, the wasm training kernels.
export type { CheckpointState } from './checkpoint.js';
export {
  loadModel,
  modelDirHandler,
  readModelMetadata,
  type SaveModelOptions,
  saveModel,
} from './io.js';
export { loadPretrained, pretrainedDir, pretrainedInfo } from './pretrained.js';
export {
  type AugmentMode,
  type AugmentSettings,
  type BatchLogs,
  DEFAULT_AUGMENTATION,
  type EarlyStoppingOptions,
  type EpochLogs,
  type History,
  type TrainOptions,
  type TrainResult,
  trainVggSmall,
} from './train.js';
export {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  type WasmTrainingKernelName,
  wasmTrainingKernelsRegistered,
} from './wasm-kernels.js';
