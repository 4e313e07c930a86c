/**
 * `@fmnist/data`: find, download, verify and load Fashion-MNIST, and prepare it (scale, one-hot,
 * seeded shuffles, validation splits, batches), with no tfjs.
 *
 * The rest is behind subpaths, so this entry point stays small:
 * - `@fmnist/data/tfjs`: a split as TensorFlow.js tensors (needs `@tensorflow/tfjs-core`);
 * - `@fmnist/data/formats`: the IDX, gzip and SHA-256 layer (`parseIdx`, `encodeIdx`, `readIdxFile`,
 *   `maybeGunzip`, `sha256`...);
 * - `@fmnist/data/arrays`: typed arrays seen with a shape (`view`, `reshape`, `imagesView`...).
 * @packageDocumentation
 */
export { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
export {
  DEFAULT_MIRRORS,
  type DownloadedFile,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadFashionMnist,
  removeStaleParts,
} from './download.js';
// Every error class and code of the package (errors.ts exports nothing else).
export * from './errors.js';
export {
  defaultCacheDir,
  type FashionMnist,
  findDatasetDir,
  type LoadOptions,
  loadFashionMnist,
  type PixelArray,
  type Split,
} from './load.js';
export {
  type Batch,
  batches,
  gather,
  labelHistogram,
  oneHot,
  permutation,
  rowSize,
  scaleImages,
  scaleSplit,
  shuffle,
  slice,
  take,
  trainValidationSplit,
  type ValidationSplitOptions,
} from './prepare.js';
