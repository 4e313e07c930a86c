import { type Augmenter, type AugmenterOptions, createAugmenter } from './augmenter.js';
import { InvalidArgumentError, LabelMismatchError } from './errors.js';
import { createRng, type Rng } from './rng.js';
import { type BatchShape, checkBatch, finite, type ImageArray, positiveInt } from './validate.js';

/** Label arrays accepted by {@link flow} and {@link augmentOffline}: one value or one row per image. */
export type LabelArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

type LabelCtor<L extends LabelArray> = new (length: number) => L;

const LABEL_CTORS = [
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Float32Array,
  Float64Array,
] as const;

/** The standard typed-array class of `labels` (a Node `Buffer` gives `Uint8Array`). */
function labelCtor<L extends LabelArray>(labels: L): LabelCtor<L> {
  for (const C of LABEL_CTORS) if (labels instanceof C) return C as unknown as LabelCtor<L>;
  throw new InvalidArgumentError({
    parameter: 'labels',
    value: Object.prototype.toString.call(labels),
    expected: 'a typed array',
  });
}

function labelWidth(labels: LabelArray, n: number): number {
  if (labels.length === 0 || labels.length % n !== 0)
    throw new LabelMismatchError({ labelCount: labels.length, imageCount: n });
  return labels.length / n;
}

function augmenterOf(a: Augmenter | AugmenterOptions | false | undefined): Augmenter | null {
  if (a === false) return null;
  if (a && typeof (a as Augmenter).augmentBatch === 'function') return a as Augmenter;
  return createAugmenter((a as AugmenterOptions | undefined) ?? {});
}

/** Options of {@link flow}. */
export interface FlowOptions {
  /** Images per batch; the last batch of an epoch may be smaller. Default 32 (Keras' default). */
  batchSize?: number;
  /** Shuffle the order at the start of every epoch. Default true (Keras' default). */
  shuffle?: boolean;
  /**
   * Seed of the shuffling and of the augmentation (two non-overlapping streams). Default 0, so
   * runs are reproducible unless you choose otherwise.
   */
  seed?: number;
  /** Epochs to iterate (`Infinity` for an endless stream, like Keras' `flow`). Default 1. */
  epochs?: number;
  /**
   * The augmentation: an {@link Augmenter}, options for {@link createAugmenter}, or `false` for
   * none (plain batching). Default: no transform (an augmenter with default options).
   */
  augment?: Augmenter | AugmenterOptions | false;
}

/** One batch from {@link flow}. */
export interface FlowBatch<L extends LabelArray> {
  /** The images, `[size, height, width, channels]`, augmented. */
  xs: Float32Array;
  /** The labels of those images, in the same order (`size × labelWidth` values). */
  ys: L;
  /** Shape of `xs`. */
  shape: BatchShape;
  /** Index of each image in the input. */
  indices: Uint32Array;
  /** 0-based epoch and batch-within-epoch. */
  epoch: number;
  batch: number;
}

/**
 * Iterate over (augmented) batches, like Keras' `ImageDataGenerator.flow(x, y, batch_size,
 * shuffle, seed)`: per epoch, an order (shuffled with Fisher–Yates when `shuffle`), then batches of
 * `batchSize` images, each image augmented with a fresh random transform. Every batch is a new
 * array that the consumer owns. Deterministic for a given seed.
 *
 * @param images - `count × height × width × channels` values (float32 or bytes); the batches are
 *   float32.
 * @param labels - One value per image, or one row of k values per image (e.g. one-hot).
 * @param shape - `[count, height, width, channels]`.
 * @throws {@link EmptyBatchError}, {@link ShapeMismatchError}, {@link LabelMismatchError},
 *   parameter errors.
 * @example
 * ```ts
 * for await (const { xs, ys, shape } of flow(images, labels, [n, 28, 28, 1], {
 *   batchSize: 128, seed: epoch, augment: { rotationRange: 10, preprocessingFunction: eraser },
 * })) {
 *   // train on xs / ys
 * }
 * ```
 */
export async function* flow<L extends LabelArray>(
  images: ImageArray,
  labels: L,
  shape: BatchShape,
  options: FlowOptions = {},
): AsyncGenerator<FlowBatch<L>, void, undefined> {
  checkBatch(images, shape);
  const [n, h, w, c] = shape;
  const k = labelWidth(labels, n);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 32);
  const epochs = options.epochs ?? 1;
  if (epochs !== Number.POSITIVE_INFINITY) positiveInt('epochs', epochs);
  const seed = finite('seed', options.seed ?? 0);
  const augmenter = augmenterOf(options.augment);
  const rng = createRng(seed);
  const shuffleRng = rng.split();
  const size = h * w * c;
  const order = new Uint32Array(n);
  const Ctor = labelCtor(labels);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < n; i++) order[i] = i;
    if (options.shuffle ?? true) shuffleInPlace(order, shuffleRng);
    for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
      const count = Math.min(batchSize, n - start);
      const indices = order.slice(start, start + count);
      const gathered = new Float32Array(count * size);
      const ys = new Ctor(count * k);
      for (let j = 0; j < count; j++) {
        const src = indices[j];
        gathered.set(images.subarray(src * size, (src + 1) * size), j * size);
        for (let q = 0; q < k; q++) ys[j * k + q] = labels[src * k + q];
      }
      const bShape: BatchShape = [count, h, w, c];
      const xs = augmenter ? augmenter.augmentBatch(gathered, bShape, rng) : gathered;
      yield { xs, ys, shape: bShape, indices, epoch, batch };
    }
  }
}

/** Fisher–Yates with the package generator. */
function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Result of {@link augmentOffline}. */
export interface OfflineResult<L extends LabelArray> {
  images: Float32Array;
  labels: L;
  /** `[count · (copies + 1), height, width, channels]`. */
  shape: BatchShape;
}

/** Options of {@link augmentOffline}. */
export interface OfflineOptions {
  /** Number of augmented copies appended after the originals (0 returns a copy of the originals). */
  copies: number;
  /** An {@link Augmenter}, or options for {@link createAugmenter}. */
  augment: Augmenter | AugmenterOptions;
  /** Seed of the augmentation. Default 0, so runs are reproducible unless you choose otherwise. */
  seed?: number;
}

/**
 * The seed project's offline augmentation: the original images followed by `copies` augmented
 * copies of all of them (copy k holds image i at `(k · count + i)`), with the labels repeated to
 * match. Deterministic for a given seed.
 *
 * @param images - `count × height × width × channels` values (`Float32Array`, `Uint8Array` or
 *   `Uint8ClampedArray`); the result is float32.
 * @param labels - One value per image, or one row of k values per image (e.g. one-hot).
 * @param shape - `[count, height, width, channels]`.
 * @example
 * ```ts
 * const { images: x, labels: y, shape } = augmentOffline(images, labels, [n, 28, 28, 1], {
 *   copies: 2,
 *   augment: { rotationRange: 10, preprocessingFunction: createRandomEraser({ valueRange: [0, 1] }) },
 *   seed: 42,
 * });
 * ```
 */
export function augmentOffline<L extends LabelArray>(
  images: ImageArray,
  labels: L,
  shape: BatchShape,
  options: OfflineOptions,
): OfflineResult<L>;
/**
 * @deprecated Pass the options as one object: `augmentOffline(images, labels, shape, { copies,
 * augment, seed })`. This positional form goes in the next minor version.
 */
export function augmentOffline<L extends LabelArray>(
  images: ImageArray,
  labels: L,
  shape: BatchShape,
  copies: number,
  augment: Augmenter | AugmenterOptions,
  seed: number,
): OfflineResult<L>;
export function augmentOffline<L extends LabelArray>(
  images: ImageArray,
  labels: L,
  shape: BatchShape,
  optionsOrCopies: OfflineOptions | number,
  positionalAugment?: Augmenter | AugmenterOptions,
  positionalSeed?: number,
): OfflineResult<L> {
  const o: OfflineOptions =
    typeof optionsOrCopies === 'number'
      ? { copies: optionsOrCopies, augment: positionalAugment as Augmenter, seed: positionalSeed }
      : optionsOrCopies;
  if (typeof o !== 'object' || o === null) {
    throw new InvalidArgumentError({
      parameter: 'options',
      value: o,
      expected: 'an object { copies, augment, seed? }',
    });
  }
  const { copies } = o;
  checkBatch(images, shape);
  const [n, h, w, c] = shape;
  const k = labelWidth(labels, n);
  if (copies !== 0) positiveInt('copies', copies);
  const augmenter = augmenterOf(o.augment) as Augmenter;
  const rng = createRng(finite('seed', o.seed ?? 0));
  const total = n * (copies + 1);
  const out = new Float32Array(total * h * w * c);
  out.set(images, 0);
  const Ctor = labelCtor(labels);
  const ys = new Ctor(total * k);
  for (let copy = 0; copy <= copies; copy++) ys.set(labels, copy * n * k);
  const block = images.length;
  for (let copy = 1; copy <= copies; copy++) {
    augmenter.augmentBatch(images, shape, rng, {
      out: out.subarray(copy * block, (copy + 1) * block),
    });
  }
  return { images: out, labels: ys, shape: [total, h, w, c] };
}
