/**
 * `@fmnist/data`: find, download, verify, parse (IDX, gzip) and prepare Fashion-MNIST.
 * @packageDocumentation
 */
export { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
export {
  DatasetNotFoundError,
  FmnistDataError,
  IdxFormatError,
  IdxSizeMismatchError,
} from './errors.js';
export { isGzip, maybeGunzip } from './gzip.js';
export { IDX_TYPES, type IdxArray, type IdxElementType, parseIdx } from './idx.js';
export {
  candidateDirs,
  DEBIAN_DIR,
  defaultCacheDir,
  type FashionMnist,
  FILES,
  findDatasetDir,
  type LoadOptions,
  loadFashionMnist,
  type Split,
} from './load.js';
