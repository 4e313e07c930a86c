/**
 * `@fmnist/vgg-small/browser`: the part of `@fmnist/vgg-small` that runs in browsers (and any
 * other JavaScript runtime): the model builder and presets, batched inference and evaluation, and
 * loading models (the shipped pretrained weights included) over HTTP. Nothing here imports a Node
 * module. Training, checkpoints and saving to a directory need Node: use the main entry point.
 * @packageDocumentation
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
export type { PretrainedInfo, PretrainedName } from './pretrained.js';
export {
  type LoadedPretrained,
  loadPretrainedFrom,
  type PretrainedUrls,
  pretrainedUrls,
} from './pretrained-url.js';
