/**
 * `@fmnist/vgg-small`: the VGG-style CNN for Fashion-MNIST on TensorFlow.js: a configurable builder
 * with presets, seeded training with augmentation, checkpoints and resume, batched evaluation,
 * save/load to a directory without tfjs-node, loading over HTTP, the wasm kernels training needs,
 * and pretrained weights. Browsers: `@fmnist/vgg-small/browser` (no Node module).
 * @packageDocumentation
 */
export type { CheckpointState } from './checkpoint.js';
export {
  DEFAULT_CONFIG,
  type KernelInitializerName,
  resolveConfig,
  type VggSmallConfig,
} from './config.js';
export {
  CheckpointError,
  InvalidConfigError,
  InvalidDataError,
  ModelDirError,
  type ModelDirErrorCode,
  TrainingAbortedError,
  UnsupportedKernelInputError,
  VggSmallError,
  WasmBackendMissingError,
} from './errors.js';
export {
  type EvaluateResult,
  evaluateModel,
  type ImageArray,
  type LabelledImages,
  type PredictOptions,
  predictClasses,
  predictProbabilities,
} from './evaluate.js';
export {
  loadModel,
  MODEL_JSON,
  modelDirHandler,
  readModelMetadata,
  type SaveModelOptions,
  saveModel,
  WEIGHTS_BIN,
} from './io.js';
export {
  type LoadModelFromOptions,
  loadModelFrom,
  type ModelSource,
} from './load-url.js';
export { countParams, createVggSmall } from './model.js';
export { PRESETS, type Preset, type PresetName } from './presets.js';
export {
  loadPretrained,
  type PretrainedInfo,
  type PretrainedName,
  pretrainedDir,
  pretrainedInfo,
} from './pretrained.js';
export {
  type LoadedPretrained,
  loadPretrainedFrom,
  type PretrainedUrls,
  pretrainedUrls,
} from './pretrained-url.js';
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
