/**
 * What both entry points export (`@fmnist/vgg-small` and `@fmnist/vgg-small/browser`): the model
 * builder and presets, batched inference and evaluation, loading over HTTP, the errors, and the
 * types of the shipped weights. Nothing here imports a Node module. Not an entry point itself.
 * @module
 */
export { DEFAULT_CONFIG, type KernelInitializerName, type VggSmallConfig } from './config.js';
export {
  AbortedError,
  CheckpointError,
  InvalidConfigError,
  InvalidDataError,
  ModelDirError,
  type ModelDirErrorCode,
  ModelSourceError,
  TrainingAbortedError,
  UnsupportedKernelInputError,
  VggSmallError,
  type VggSmallErrorCode,
  WasmBackendMissingError,
  WorkerFailedError,
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
  type LoadModelFromOptions,
  loadModelFrom,
  type ModelSource,
} from './load-url.js';
export { countParams, createVggSmall } from './model.js';
export { PRESETS, type Preset, type PresetName } from './presets.js';
export type { PretrainedInfo } from './pretrained.js';
export { PRETRAINED_NAMES, type PretrainedName } from './pretrained-names.js';
export {
  type LoadedPretrained,
  type LoadPretrainedFromOptions,
  loadPretrainedFrom,
  type PretrainedUrls,
  pretrainedUrls,
} from './pretrained-url.js';
