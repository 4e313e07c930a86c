/**
 * `@fmnist/augment`: Keras `ImageDataGenerator`-compatible affine augmentation and random erasing
 * (Zhong et al. 2017) on plain typed arrays (float32 or bytes), seeded and fast. No TensorFlow.js and no Node-only
 * module here (it runs in browsers). Two subpaths: the TensorFlow.js adapter is
 * `@fmnist/augment/tfjs`; the building blocks underneath (affine matrices and warps, random affine
 * parameters, erasing rectangles, the seed hash) are `@fmnist/augment/primitives`.
 * @packageDocumentation
 */
export type { FillMode } from './affine.js';
export {
  type AugmentCallOptions,
  type Augmenter,
  type AugmenterOptions,
  createAugmenter,
  type PreprocessingFunction,
} from './augmenter.js';
export {
  createRandomEraser,
  ERASING_DEFAULTS,
  type EraseCallOptions,
  type ErasingOptions,
  type ErasingSettings,
  type RandomEraser,
  type RandomErasingOptions,
  randomErasing,
} from './erasing.js';
export {
  AugmentError,
  type AugmentErrorCode,
  ConflictingOptionsError,
  EmptyBatchError,
  EraserExhaustedError,
  EraserImpossibleError,
  InvalidArgumentError,
  InvalidShapeError,
  InvertedRangeError,
  LabelMismatchError,
  NonFiniteParameterError,
  ParameterRangeError,
  ShapeMismatchError,
} from './errors.js';
export {
  augmentOffline,
  type FlowBatch,
  type FlowOptions,
  flow,
  type LabelArray,
  type OfflineOptions,
  type OfflineResult,
} from './flow.js';
export type { AffineOptions } from './random-affine.js';
export { createRng, type Rng } from './rng.js';
export type { BatchShape, ImageArray, ImageShape } from './validate.js';
