/**
 * `@fmnist/data/formats`: the file formats under the dataset, for reading or writing IDX files
 * yourself. `loadFashionMnist` (main entry) already does all of this for the four dataset files.
 * - IDX: {@link parseIdx}, {@link parseIdxHeader} (checks the declared size before allocating),
 *   {@link encodeIdx}; {@link readIdxFile} reads one from disk (gzip or not, optionally checked) and
 *   {@link toSplit} checks an images file and a labels file form one split.
 * - gzip: {@link isGzip}, {@link maybeGunzip}, {@link maybeGunzipAsync}, capped at
 *   {@link DEFAULT_MAX_OUTPUT_BYTES} (a gzip bomb fails instead of filling memory).
 * - SHA-256: {@link sha256}, {@link verifySha256}, and {@link SHA256}, the official files' checksums.
 *
 * Their errors (`IdxFormatError`, `IdxSizeMismatchError`, `GzipError`, `ChecksumMismatchError`...)
 * are on the main entry with the others.
 * @packageDocumentation
 */
export { SHA256, sha256, verifySha256 } from './checksum.js';
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
export { readIdxFile, toSplit } from './load.js';
