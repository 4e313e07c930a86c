import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import type { PixelArray, Split } from './load.js';

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Pixels 0..255 to float32 0..1 (each divided by 255, as `x / 255.0` in Keras). New array. */
export function scaleImages(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = SCALE[images[i]!]!;
  return out;
}

/** A split with its images scaled to float32 0..1 (labels shared, not copied). */
export function scaleSplit(split: Split<Uint8Array>): Split<Float32Array> {
  return { images: scaleImages(split.images), labels: split.labels, count: split.count };
}

/**
 * One-hot labels: row `i` has a 1 in column `labels[i]`. `Float32Array` of N×`numClasses`.
 *
 * @throws {@link InvalidArgumentError} when a label is not below `numClasses`.
 */
export function oneHot(
  labels: ArrayLike<number>,
  numClasses: number = CLASS_NAMES.length,
): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(Number.isInteger(l) && l >= 0 && l < numClasses)) {
      throw new InvalidArgumentError({
        argument: 'labels',
        message: `oneHot: label ${l} at index ${i} is not in 0..${numClasses - 1}.`,
      });
    }
    out[i * numClasses + l] = 1;
  }
  return out;
}

/** How many labels of each class: `counts[c]` for c in 0..numClasses-1 (others are ignored). */
export function labelHistogram(
  labels: ArrayLike<number>,
  numClasses: number = CLASS_NAMES.length,
): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 0 && l < numClasses) counts[l]!++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Rows: subsets, shuffles, splits, batches
// ---------------------------------------------------------------------------------------------

/** Elements per item (784 for Fashion-MNIST), checked against `count`. */
export function rowSize(split: Split<PixelArray>): number {
  if (split.labels.length !== split.count) {
    throw new ShapeError({
      reason: `Split has count ${split.count} but ${split.labels.length} labels.`,
    });
  }
  if (split.count === 0) return IMAGE_SIZE * IMAGE_SIZE;
  const row = split.images.length / split.count;
  if (!Number.isInteger(row)) {
    throw new ShapeError({
      reason: `Split has ${split.images.length} pixels for ${split.count} images: not a whole number per image.`,
    });
  }
  return row;
}

function checkIndex(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be an integer in 0..${max}, got ${v}.`,
    });
  }
}

/**
 * Items `start` (included) to `end` (excluded) as **views** on the same memory (no copy), like
 * `TypedArray.subarray`. Negative or out-of-range bounds are an error, not clamped.
 */
export function slice<P extends PixelArray>(
  split: Split<P>,
  start: number,
  end = split.count,
): Split<P> {
  const row = rowSize(split);
  checkIndex('start', start, split.count);
  checkIndex('end', end, split.count);
  if (end < start)
    throw new InvalidArgumentError({
      argument: 'end',
      message: `end (${end}) is before start (${start}).`,
    });
  return {
    images: split.images.subarray(start * row, end * row) as P,
    labels: split.labels.subarray(start, end),
    count: end - start,
  };
}

/** The first `n` items (views, no copy); all of them when `n` ≥ count. */
export function take<P extends PixelArray>(split: Split<P>, n: number): Split<P> {
  checkIndex('n', n, Number.MAX_SAFE_INTEGER);
  return slice(split, 0, Math.min(n, split.count));
}

/**
 * A seeded random permutation of 0..n-1 (Fisher–Yates, `pure-rand`'s xoroshiro128+ and unbiased
 * `uniformInt`). Same seed, same permutation, on every platform.
 */
export function permutation(n: number, seed: number): Uint32Array {
  checkIndex('n', n, 0xffffffff);
  if (!Number.isInteger(seed))
    throw new InvalidArgumentError({
      argument: 'seed',
      message: `seed must be an integer, got ${seed}.`,
    });
  const rng = xoroshiro128plus(seed);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** The items at `indices`, in that order, copied into new arrays (indices may repeat). */
export function gather<P extends PixelArray>(
  split: Split<P>,
  indices: ArrayLike<number>,
): Split<P> {
  const row = rowSize(split);
  const n = indices.length * row;
  const images = (
    split.images instanceof Float32Array ? new Float32Array(n) : new Uint8Array(n)
  ) as P;
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(Number.isInteger(i) && i >= 0 && i < split.count)) {
      throw new InvalidArgumentError({
        argument: 'indices',
        message: `gather: index ${i} is not in 0..${split.count - 1}.`,
      });
    }
    images.set(split.images.subarray(i * row, (i + 1) * row), k * row);
    labels[k] = split.labels[i]!;
  }
  return { images, labels, count: indices.length };
}

/**
 * The split in a seeded random order, images and labels moved together. New arrays; the input is
 * not changed.
 */
export function shuffle<P extends PixelArray>(split: Split<P>, seed: number): Split<P> {
  return gather(split, permutation(split.count, seed));
}

/** Options of {@link trainValidationSplit}: give `validationSplit` or `validationSize`. */
export interface ValidationSplitOptions {
  /** Fraction of items held out, in [0, 1), as Keras' `validation_split`. */
  validationSplit?: number;
  /** Number of items held out, instead of a fraction. */
  validationSize?: number;
  /**
   * Shuffle with this seed before splitting (new arrays). Without it, the validation set is the
   * tail of the split, as Keras' `fit(..., validation_split)` takes it, and both parts are views.
   */
  seed?: number;
}

/**
 * Holds out a validation set. Without a seed it mirrors Keras' `validation_split` exactly: the
 * first `Math.trunc(count * (1 - validationSplit))` items train, the rest validate.
 *
 * @example
 * ```ts
 * const { train, validation } = trainValidationSplit(data.train, { validationSplit: 0.1, seed: 42 });
 * // 54,000 and 6,000 items
 * ```
 */
export function trainValidationSplit<P extends PixelArray>(
  split: Split<P>,
  options: ValidationSplitOptions,
): { train: Split<P>; validation: Split<P> } {
  const { validationSplit, validationSize, seed } = options;
  let splitAt: number;
  if (validationSize !== undefined) {
    if (validationSplit !== undefined) {
      throw new InvalidArgumentError({
        argument: 'validationSplit',
        message: 'Give validationSplit or validationSize, not both.',
      });
    }
    checkIndex('validationSize', validationSize, split.count);
    splitAt = split.count - validationSize;
  } else if (validationSplit !== undefined) {
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new InvalidArgumentError({
        argument: 'validationSplit',
        message: `validationSplit must be in [0, 1), got ${validationSplit}.`,
      });
    }
    splitAt = Math.trunc(split.count * (1 - validationSplit));
  } else {
    throw new InvalidArgumentError({
      argument: 'validationSplit',
      message: 'Give validationSplit or validationSize.',
    });
  }
  const source = seed === undefined ? split : shuffle(split, seed);
  return { train: slice(source, 0, splitAt), validation: slice(source, splitAt) };
}

/** One batch from {@link batches}: a split (views) and the index of its first item. */
export interface Batch<P extends PixelArray = Uint8Array> extends Split<P> {
  start: number;
}

/**
 * Consecutive batches of `batchSize` items (views, no copy), the last one smaller unless
 * `dropRemainder`. Shuffle first (with a seed per epoch) for training.
 *
 * @example
 * ```ts
 * for (const b of batches(shuffle(train, epoch), 128)) step(b.images, b.labels);
 * ```
 */
export function batches<P extends PixelArray>(
  split: Split<P>,
  batchSize: number,
  options: { dropRemainder?: boolean } = {},
): Generator<Batch<P>, void, undefined> {
  // Checked here, at the call, not at the first `next()` as a generator function would.
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError({
      argument: 'batchSize',
      message: `batchSize must be an integer ≥ 1, got ${batchSize}.`,
    });
  }
  rowSize(split);
  return batchGenerator(split, batchSize, options.dropRemainder ?? false);
}

function* batchGenerator<P extends PixelArray>(
  split: Split<P>,
  batchSize: number,
  dropRemainder: boolean,
): Generator<Batch<P>, void, undefined> {
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    if (dropRemainder && end - start < batchSize) return;
    yield { ...slice(split, start, end), start };
  }
}
