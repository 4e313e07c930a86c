/**
 * `@fmnist/knn`: an exact k-nearest-neighbours classifier with scikit-learn's answers, fast on the
 * CPU (WebAssembly SIMD: a float32 matrix product re-ranked exactly, exact pruning with
 * principal-component bounds, worker threads under Node) and on GPUs (TensorFlow.js backends, an
 * optional peer, with exact certification of the device's ranking).
 *
 * This entry point imports nothing from Node: it runs in browsers. Under Node the package
 * resolves to `node.ts`, which adds worker threads.
 * @packageDocumentation
 */
export {
  type EngineInfo,
  type EngineName,
  KNeighborsClassifier,
  type KNeighborsClassifierOptions,
  type KNeighborsOptions,
  type Neighbors,
  type PredictOptions,
  type Probabilities,
  type SerializedKNeighborsClassifier,
} from './classifier.js';
export type { Metric } from './distance.js';
export type { AutoEstimate } from './engines/select.js';
export { KNN_ENGINES, type ResolvedEngineName } from './engines/types.js';
export {
  AbortedError,
  DimensionMismatchError,
  EmptyTrainingSetError,
  FeatureOverflowError,
  InvalidArgumentError,
  InvalidInputError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  KnnError,
  type KnnErrorCode,
  LabelLengthError,
  MemoryLimitError,
  NonFiniteFeatureError,
  NotFittedError,
  UnknownOptionError,
  UnsupportedEngineError,
  WorkerFailedError,
} from './errors.js';
export type { MatrixData, MatrixInput, TensorLike } from './matrix.js';
export type { TieBreak, Weights } from './vote.js';
export { defaultThreadCount, threadsAvailable } from './wasm/executor.js';
export { wasmSimdSupported } from './wasm/runtime.js';
export type { PruneStats } from './wasm/search.js';
