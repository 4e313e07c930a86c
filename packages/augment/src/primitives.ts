/**
 * `@fmnist/augment/primitives`: the building blocks under `createAugmenter` and
 * `createRandomEraser`, for code that draws, warps or erases on its own terms (one fixed
 * transform, a warp by your own matrix, an erasing rectangle applied on a GPU tensor, seeds derived
 * for sub-streams). The main entry `@fmnist/augment` covers the usual use; nothing here is needed
 * for it. Like the main entry, this one imports neither TensorFlow.js nor Node modules.
 *
 * @example
 * ```ts
 * import { createRng } from '@fmnist/augment';
 * import { applyAffine, randomAffineParams } from '@fmnist/augment/primitives';
 *
 * const params = randomAffineParams({ rotationRange: 10 }, createRng(1), 28, 28);
 * const rotated = applyAffine(image, [28, 28, 1], params, { fillMode: 'nearest' });
 * ```
 * @packageDocumentation
 */
export {
  type AffineMatrix,
  type AffineParams,
  affineMatrix,
  applyAffine,
  type WarpOptions,
  warpAffine,
} from './affine.js';
export { drawErasingBox, type ErasingBox } from './erasing.js';
export { randomAffineParams } from './random-affine.js';
export { fmix32 } from './rng.js';
