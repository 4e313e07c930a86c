/**
 * `@fmnist/knn`: an exact k-nearest-neighbours classifier with scikit-learn's answers, fast on the
 * CPU (WebAssembly SIMD, exact pruning with principal-component bounds, worker threads under Node)
 * and on GPUs (TensorFlow.js backends, with exact certification of the device's ranking).
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
export { exactDistance, type Metric, rowNorm } from './distance.js';
export {
  AbortedError,
  DimensionMismatchError,
  EmptyTrainingSetError,
  InvalidInputError,
  InvalidKError,
  InvalidLabelError,
  InvalidModelError,
  InvalidOptionError,
  KnnError,
  LabelLengthError,
  NonFiniteFeatureError,
  NotFittedError,
  UnsupportedEngineError,
} from './errors.js';
export type { MatrixData, MatrixInput } from './matrix.js';
export type { TieBreak, Weights } from './vote.js';
export { defaultThreadCount, threadsAvailable } from './wasm/executor.js';
export { wasmSimdSupported } from './wasm/runtime.js';
export type { PruneStats } from './wasm/search.js';
