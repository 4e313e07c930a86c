/**
 * `@fmnist/augment`: Keras `ImageDataGenerator`-compatible affine augmentation and random erasing
 * (Zhong et al. 2017) on plain float32 arrays, seeded and fast. No TensorFlow.js and no Node-only
 * module here (it runs in browsers); the TensorFlow.js adapter is `@fmnist/augment/tfjs`.
 * @packageDocumentation
 */
export {
  type AffineMatrix,
  type AffineParams,
  affineMatrix,
  applyAffine,
  type FillMode,
  type WarpOptions,
  warpAffine,
} from './affine.js';
export {
  type AugmentCallOptions,
  type Augmenter,
  type AugmenterOptions,
  createAugmenter,
  type PreprocessingFunction,
  type PreprocessingResult,
} from './augmenter.js';
export {
  createRandomEraser,
  drawErasingBox,
  ERASING_DEFAULTS,
  type EraseCallOptions,
  type ErasingBox,
  type ErasingOptions,
  type RandomEraser,
  randomErasing,
} from './erasing.js';
export {
  AugmentError,
  EmptyBatchError,
  EraserExhaustedError,
  EraserImpossibleError,
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
  type OfflineResult,
  shuffleInPlace,
} from './flow.js';
export { type AffineOptions, randomAffineParams } from './random-affine.js';
export { createRng, type Rng } from './rng.js';
export type { BatchShape, ImageShape } from './validate.js';
