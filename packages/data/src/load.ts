import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
import { DatasetNotFoundError, FmnistDataError } from './errors.js';
import { maybeGunzip } from './gzip.js';
import { parseIdx } from './idx.js';

/** The four official file names. */
export const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** One split: `count` images of 28×28 uint8 pixels, row-major, and their labels 0..9. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface FashionMnist {
  train: Split;
  test: Split;
  classNames: readonly string[];
  /** [height, width] of each image. */
  imageShape: readonly [number, number];
  /** The folder the files were read from. */
  dir: string;
}

export interface LoadOptions {
  /** Read the files from this folder (checked first). */
  dir?: string;
  /** The user cache folder; default `$XDG_CACHE_HOME/fmnist` or `~/.cache/fmnist`. */
  cacheDir?: string;
  /** Environment to read `FMNIST_DATA_DIR` and `XDG_CACHE_HOME` from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The default user cache folder for downloads. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fmnist');
}

/** The folders searched, in order: `dir`, `FMNIST_DATA_DIR`, the cache, Debian's folder. */
export function candidateDirs(options: LoadOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs = [
    options.dir,
    env.FMNIST_DATA_DIR,
    options.cacheDir ?? defaultCacheDir(env),
    DEBIAN_DIR,
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

async function readIdxFile(path: string) {
  return parseIdx(maybeGunzip(new Uint8Array(await readFile(path))));
}

async function loadSplit(dir: string, imagesFile: string, labelsFile: string): Promise<Split> {
  const [images, labels] = await Promise.all([
    readIdxFile(join(dir, imagesFile)),
    readIdxFile(join(dir, labelsFile)),
  ]);
  if (
    images.type !== 'uint8' ||
    images.shape.length !== 3 ||
    images.shape[1] !== IMAGE_SIZE ||
    images.shape[2] !== IMAGE_SIZE
  ) {
    throw new FmnistDataError(
      'BAD_SHAPE',
      `${imagesFile}: expected uint8 N×28×28 images, got ${images.type} [${images.shape.join('×')}].`,
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new FmnistDataError(
      'BAD_SHAPE',
      `${labelsFile}: expected uint8 labels of rank 1, got ${labels.type} [${labels.shape.join('×')}].`,
    );
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new FmnistDataError(
      'COUNT_MISMATCH',
      `${imagesFile} holds ${images.shape[0]} images but ${labelsFile} holds ${labels.shape[0]} labels.`,
    );
  }
  return {
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    count: images.shape[0]!,
  };
}

/**
 * Loads Fashion-MNIST: the equivalent of `keras.datasets.fashion_mnist.load_data()`.
 *
 * @example
 * ```ts
 * const { train, test, classNames } = await loadFashionMnist();
 * console.log(train.count, test.count, classNames[train.labels[0]]); // 60000 10000 'Ankle boot'
 * ```
 */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<FashionMnist> {
  const dir = findDatasetDir(options);
  if (!dir) throw new DatasetNotFoundError(candidateDirs(options));
  const [train, test] = await Promise.all([
    loadSplit(dir, FILES.trainImages, FILES.trainLabels),
    loadSplit(dir, FILES.testImages, FILES.testLabels),
  ]);
  return { train, test, classNames: CLASS_NAMES, imageShape: [IMAGE_SIZE, IMAGE_SIZE], dir };
}
