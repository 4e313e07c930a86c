/**
 * `@fmnist/data`: find, download, verify, parse (IDX, gzip) and prepare Fashion-MNIST.
 * Tensor conversion lives in the `@fmnist/data/tfjs` subpath, so this entry point needs no tfjs.
 * @packageDocumentation
 */
export { SHA256, sha256, verifySha256 } from './checksum.js';
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
export {
  AbortedError,
  ChecksumMismatchError,
  CountMismatchError,
  DatasetNotFoundError,
  DownloadAbortedError,
  type DownloadAttempt,
  DownloadError,
  FmnistDataError,
  type FmnistDataErrorCode,
  GzipError,
  IdxFormatError,
  IdxSizeMismatchError,
  InvalidArgumentError,
  ShapeError,
} from './errors.js';
export {
  DEFAULT_MAX_OUTPUT_BYTES,
  type GunzipOptions,
  isGzip,
  maybeGunzip,
  maybeGunzipAsync,
} from './gzip.js';
export {
  encodeIdx,
  type IdxArray,
  type IdxDataFor,
  type IdxElementType,
  type IdxHeader,
  parseIdx,
  parseIdxHeader,
} from './idx.js';
export {
  defaultCacheDir,
  type FashionMnist,
  findDatasetDir,
  type LoadOptions,
  loadFashionMnist,
  type PixelArray,
  readIdxFile,
  type Split,
  toSplit,
} from './load.js';
export {
  type ArrayView,
  type Batch,
  batches,
  flatten,
  gather,
  type ImageLayout,
  imagesView,
  labelHistogram,
  type NumericArray,
  oneHot,
  permutation,
  reshape,
  rowSize,
  scaleImages,
  scaleSplit,
  shuffle,
  sizeOf,
  slice,
  take,
  trainValidationSplit,
  type ValidationSplitOptions,
  view,
} from './prepare.js';
