import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHA256, sha256 } from './checksum.js';
import { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
import { type DownloadOptions, downloadFashionMnist } from './download.js';
import {
  ChecksumMismatchError,
  CountMismatchError,
  DatasetNotFoundError,
  FmnistDataError,
  InvalidArgumentError,
  ShapeError,
} from './errors.js';
import { type GunzipOptions, maybeGunzipAsync } from './gzip.js';
import { type IdxArray, parseIdx } from './idx.js';
import { DEBIAN_DIR, defaultCacheDir, FILES } from './paths.js';

export { defaultCacheDir };

/** Pixel storage of a split: raw `Uint8Array` (0..255) as loaded, or `Float32Array` once scaled. */
export type PixelArray = Uint8Array | Float32Array;

/**
 * One split: `count` images of 28×28 pixels, row-major (image `i` is
 * `images.subarray(i * 784, (i + 1) * 784)`), and their labels 0..9.
 */
export interface Split<P extends PixelArray = Uint8Array> {
  images: P;
  labels: Uint8Array;
  count: number;
}

/** The dataset, as `keras.datasets.fashion_mnist.load_data()` gives it. */
export interface FashionMnist {
  /** 60,000 images. */
  train: Split;
  /** 10,000 images. */
  test: Split;
  classNames: readonly string[];
  /** [height, width] of each image. */
  imageShape: readonly [number, number];
  /** The folder the files were read from. */
  dir: string;
}

/** Options of {@link loadFashionMnist}. The download options apply only with `download: true`. */
export interface LoadOptions extends Omit<DownloadOptions, 'files'>, GunzipOptions {
  /** Read the files from this folder (searched first). */
  dir?: string;
  /**
   * System-wide folders searched after the cache; default `[DEBIAN_DIR]`
   * (`/usr/share/datasets/fashion-mnist`, from `apt-get install dataset-fashion-mnist`).
   */
  systemDirs?: readonly string[];
  /**
   * When no folder holds the four files, download them into `cacheDir` (see
   * {@link downloadFashionMnist}). Default false: nothing leaves the machine unless asked.
   */
  download?: boolean;
  /**
   * Check the SHA-256 of each file's decompressed content against `checksums` (default the official
   * values) wherever it was found. Downloads are always checked. Costs about a tenth of a second.
   */
  verify?: boolean;
}

/**
 * The folders searched, in order: the `dir` option, `$FMNIST_DATA_DIR`, the user cache
 * (`cacheDir`), Debian's folder (`systemDirs`). The first one that holds all four files is used.
 */
export function candidateDirs(options: LoadOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs = [
    options.dir,
    env.FMNIST_DATA_DIR,
    options.cacheDir ?? defaultCacheDir(env),
    ...(options.systemDirs ?? [DEBIAN_DIR]),
  ];
  return dirs.filter((d): d is string => !!d);
}

function hasAllFiles(dir: string): boolean {
  return Object.values(FILES).every((f) => existsSync(join(dir, f)));
}

/** The first candidate folder that holds all four files, or `undefined`. */
export function findDatasetDir(options: LoadOptions = {}): string | undefined {
  return candidateDirs(options).find(hasAllFiles);
}

/**
 * Reads one IDX file (gzip or not) from disk: decompressed off the main thread, optionally
 * checked against a SHA-256, then parsed. Errors name the file.
 */
export async function readIdxFile(
  path: string,
  options: GunzipOptions & { sha256?: string } = {},
): Promise<IdxArray> {
  try {
    const raw = await maybeGunzipAsync(new Uint8Array(await readFile(path)), options);
    if (options.sha256) {
      const actual = sha256(raw);
      if (actual !== options.sha256.toLowerCase()) {
        throw new ChecksumMismatchError({ file: path, expected: options.sha256, actual });
      }
    }
    return parseIdx(raw);
  } catch (e) {
    if (e instanceof FmnistDataError && !(e instanceof ChecksumMismatchError)) {
      e.message = `${path}: ${e.message}`;
    }
    throw e;
  }
}

/**
 * Checks that a parsed images file and labels file form one split: uint8 N×28×28 images, N uint8
 * labels in 0..9.
 *
 * @throws {@link ShapeError} or {@link CountMismatchError}.
 */
export function toSplit(images: IdxArray, labels: IdxArray, names = ['images', 'labels']): Split {
  const [imagesName, labelsName] = names;
  if (
    images.type !== 'uint8' ||
    images.shape.length !== 3 ||
    images.shape[1] !== IMAGE_SIZE ||
    images.shape[2] !== IMAGE_SIZE
  ) {
    throw new ShapeError({
      reason: `${imagesName}: expected uint8 N×28×28 images, got ${images.type} [${images.shape.join('×')}].`,
    });
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new ShapeError({
      reason: `${labelsName}: expected uint8 labels of rank 1, got ${labels.type} [${labels.shape.join('×')}].`,
    });
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new CountMismatchError({
      images: images.shape[0]!,
      labels: labels.shape[0]!,
      imagesName,
      labelsName,
    });
  }
  const l = labels.data as Uint8Array;
  for (let i = 0; i < l.length; i++) {
    if (l[i]! >= CLASS_NAMES.length) {
      throw new ShapeError({
        reason: `${labelsName}: label ${l[i]} at index ${i} is outside 0..${CLASS_NAMES.length - 1}.`,
      });
    }
  }
  return { images: images.data as Uint8Array, labels: l, count: images.shape[0]! };
}

/**
 * Loads Fashion-MNIST: the equivalent of `keras.datasets.fashion_mnist.load_data()`.
 *
 * The files are searched in {@link candidateDirs} order; with `download: true` and none found they
 * are downloaded into the cache first. The four files are read and decompressed in parallel.
 *
 * @example
 * ```ts
 * const { train, test, classNames } = await loadFashionMnist();
 * console.log(train.count, test.count, classNames[train.labels[0]]); // 60000 10000 'Ankle boot'
 * ```
 *
 * @throws {@link DatasetNotFoundError} when no folder holds the files and `download` is not set;
 *   the IDX, gzip, shape, count and checksum errors when a file is bad; `DownloadError` when a
 *   download fails.
 */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<FashionMnist> {
  let dir = findDatasetDir(options);
  if (!dir) {
    if (!options.download) throw new DatasetNotFoundError({ searched: candidateDirs(options) });
    dir = (await downloadFashionMnist({ ...options, files: Object.values(FILES) })).dir;
  }
  const checksums = options.checksums ?? SHA256;
  const read = (file: string) =>
    readIdxFile(join(dir, file), {
      maxOutputBytes: options.maxOutputBytes,
      sha256: options.verify ? (checksums[file] ?? missing(file)) : undefined,
    });
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    read(FILES.trainImages),
    read(FILES.trainLabels),
    read(FILES.testImages),
    read(FILES.testLabels),
  ]);
  const train = toSplit(trainImages, trainLabels, [
    join(dir, FILES.trainImages),
    join(dir, FILES.trainLabels),
  ]);
  const test = toSplit(testImages, testLabels, [
    join(dir, FILES.testImages),
    join(dir, FILES.testLabels),
  ]);
  return { train, test, classNames: CLASS_NAMES, imageShape: [IMAGE_SIZE, IMAGE_SIZE], dir };
}

function missing(file: string): never {
  throw new InvalidArgumentError({
    argument: 'checksums',
    message: `verify: no SHA-256 known for ${file}; pass it in \`checksums\`.`,
  });
}
