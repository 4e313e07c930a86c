/**
 * `@fmnist/data/tfjs`: a split as TensorFlow.js tensors. Needs the optional peer
 * `@tensorflow/tfjs-core` (and a backend chosen by the app); the main entry point does not.
 * @packageDocumentation
 */
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { CLASS_NAMES, IMAGE_SIZE } from './classes.js';
import { InvalidArgumentError } from './errors.js';
import type { PixelArray, Split } from './load.js';
import { batches, oneHot, rowSize, scaleImages } from './prepare.js';

/** Options of {@link toTensors}. */
export interface ToTensorsOptions {
  /**
   * Scale uint8 pixels to 0..1 (÷255). Default true. Float32 images are taken as they are (they
   * are assumed scaled already).
   */
  normalize?: boolean;
  /** `image`: xs is [N, 28, 28, 1] (NHWC, for a CNN; default). `flat`: [N, 784] (dense, KNN). */
  shape?: 'image' | 'flat';
  /** `oneHot`: ys is float32 [N, numClasses] (default). `int`: int32 [N] class indices. */
  labels?: 'oneHot' | 'int';
  /** Number of classes for one-hot labels; default 10. */
  numClasses?: number;
}

/** Tensors of one split; the caller owns them and must `dispose()` them. */
export interface SplitTensors {
  xs: Tensor;
  ys: Tensor;
}

/**
 * A split as tensors: `xs` float32 images, `ys` labels. The values are prepared in plain typed
 * arrays and handed to `tf.tensor` once, so no intermediate tensor is made (nothing to leak); the
 * new arrays are owned by the tensors, so later changes to `split` do not reach them.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { loadFashionMnist } from '@fmnist/data';
 * import { toTensors } from '@fmnist/data/tfjs';
 *
 * const { train } = await loadFashionMnist();
 * const { xs, ys } = toTensors(train); // [60000, 28, 28, 1] float32, [60000, 10] float32
 * // ... model.fit(xs, ys) ...
 * tf.dispose([xs, ys]);
 * ```
 */
export function toTensors(split: Split<PixelArray>, options: ToTensorsOptions = {}): SplitTensors {
  const { normalize = true, shape = 'image', labels = 'oneHot' } = options;
  const numClasses: number = options.numClasses ?? CLASS_NAMES.length;
  const row = rowSize(split);
  const n = split.count;
  let xsShape: number[];
  if (shape === 'flat') xsShape = [n, row];
  else if (shape === 'image') {
    if (row !== IMAGE_SIZE * IMAGE_SIZE) {
      throw new InvalidArgumentError({
        argument: 'shape',
        message: `shape 'image' needs 784 pixels per image, got ${row}.`,
      });
    }
    xsShape = [n, IMAGE_SIZE, IMAGE_SIZE, 1];
  } else
    throw new InvalidArgumentError({
      argument: 'shape',
      message: `shape must be 'image' or 'flat', got ${String(shape)}.`,
    });
  const images = split.images;
  const pixels =
    images instanceof Float32Array
      ? images.slice()
      : normalize
        ? scaleImages(images)
        : Float32Array.from(images);
  let ysValues: Float32Array | Int32Array;
  let ysShape: number[];
  if (labels === 'oneHot') {
    ysValues = oneHot(split.labels, numClasses);
    ysShape = [n, numClasses];
  } else if (labels === 'int') {
    ysValues = Int32Array.from(split.labels);
    ysShape = [n];
  } else
    throw new InvalidArgumentError({
      argument: 'labels',
      message: `labels must be 'oneHot' or 'int', got ${String(labels)}.`,
    });
  // Both arrays are validated before the first tensor exists, so a throw cannot leak one.
  const xs = tensor(pixels, xsShape, 'float32');
  const ys = tensor(ysValues, ysShape, labels === 'oneHot' ? 'float32' : 'int32');
  return { xs, ys };
}

/**
 * Tensors batch by batch (see `batches`): each `{ xs, ys }` is made when asked for, and the
 * caller disposes it, so only one batch lives on the backend at a time.
 *
 * @example
 * ```ts
 * for (const { xs, ys } of tensorBatches(shuffle(train, epoch), 128)) {
 *   await model.trainOnBatch(xs, ys);
 *   tf.dispose([xs, ys]);
 * }
 * ```
 */
export function* tensorBatches(
  split: Split<PixelArray>,
  batchSize: number,
  options: ToTensorsOptions & { dropRemainder?: boolean } = {},
): Generator<SplitTensors, void, undefined> {
  for (const b of batches(split, batchSize, options)) yield toTensors(b, options);
}
