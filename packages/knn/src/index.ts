/**
 * `@fmnist/knn`: an exact k-nearest-neighbours classifier with scikit-learn's answers, fast on the
 * CPU (WebAssembly SIMD: a float32 matrix product re-ranked exactly, exact pruning with
 * principal-component bounds, worker threads under Node) and on GPUs (TensorFlow.js backends, an
 * optional peer, with exact certification of the device's ranking).
 *
 * This entry point imports nothing from Node: it runs in browsers. Under Node the package
 * resolves to `node.ts`, which adds worker threads. Two subpaths: `@fmnist/knn/engines` (engine
 * names, what a search used, what the runtime offers) and, under Node only, `@fmnist/knn/sklearn`
 * (scikit-learn's classifier run on the same arrays, for comparison).
 * @packageDocumentation
 */
export {
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
