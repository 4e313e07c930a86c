/**
 * `@fmnist/augment/tfjs`: run an {@link Augmenter} on TensorFlow.js tensors. Needs the peer
 * dependency `@tensorflow/tfjs-core` (and a backend chosen by the app).
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Augmenter, AugmenterOptions } from './augmenter.js';
import { createAugmenter } from './augmenter.js';
import { InvalidShapeError } from './errors.js';
import { type FlowOptions, flow, type LabelArray } from './flow.js';
import type { Rng } from './rng.js';
import type { BatchShape, ImageArray } from './validate.js';

function toAugmenter(a: Augmenter | AugmenterOptions): Augmenter {
  return typeof (a as Augmenter).augmentBatch === 'function'
    ? (a as Augmenter)
    : createAugmenter(a as AugmenterOptions);
}

function batchShape(x: tf.Tensor): BatchShape {
  if (x.rank !== 4)
    throw new InvalidShapeError({
      shape: x.shape,
      expected: 'a 4-D tensor [count, height, width, channels]',
    });
  return x.shape as unknown as BatchShape;
}

function asFloat32(v: tf.TypedArray | tf.DataTypeMap[keyof tf.DataTypeMap]): Float32Array {
  if (v instanceof Float32Array) return v;
  return Float32Array.from(v as ArrayLike<number>);
}

/**
 * Augment a 4-D batch `[n, h, w, c]` and return a new float32 tensor of the same shape. The input
 * is not disposed; nothing else is left allocated.
 *
 * @example
 * ```ts
 * const augmented = await augmentTensor(augmenter, xs, rng);
 * // ... use it, then augmented.dispose()
 * ```
 */
export async function augmentTensor(
  augment: Augmenter | AugmenterOptions,
  x: tf.Tensor,
  rng: Rng,
): Promise<tf.Tensor4D> {
  const shape = batchShape(x);
  const data = asFloat32(await x.data());
  const out = toAugmenter(augment).augmentBatch(data, shape, rng);
  return tf.tensor4d(out, shape as [number, number, number, number], 'float32');
}

/** Synchronous {@link augmentTensor} (reads the tensor with `dataSync`). */
export function augmentTensorSync(
  augment: Augmenter | AugmenterOptions,
  x: tf.Tensor,
  rng: Rng,
): tf.Tensor4D {
  const shape = batchShape(x);
  const data = asFloat32(x.dataSync());
  const out = toAugmenter(augment).augmentBatch(data, shape, rng);
  return tf.tensor4d(out, shape as [number, number, number, number], 'float32');
}

/** One batch of {@link flowTensors}; the consumer owns (and disposes) both tensors. */
export interface TensorBatch {
  /** float32 `[size, h, w, c]`. */
  xs: tf.Tensor4D;
  /** `[size]` (int32 for integer labels, else float32) or `[size, k]` for k values per image. */
  ys: tf.Tensor;
  epoch: number;
  batch: number;
}

/**
 * {@link flow} yielding tensors. Each yielded pair is new; dispose it when done (or build the
 * loop inside `tf.tidy`-free code and call `dispose`).
 */
export async function* flowTensors<L extends LabelArray>(
  images: ImageArray,
  labels: L,
  shape: BatchShape,
  options: FlowOptions = {},
): AsyncGenerator<TensorBatch, void, undefined> {
  const k = labels.length / shape[0];
  const integer = !(labels instanceof Float32Array || labels instanceof Float64Array);
  for await (const b of flow(images, labels, shape, options)) {
    const xs = tf.tensor4d(b.xs, b.shape as [number, number, number, number], 'float32');
    const yv = integer ? Int32Array.from(b.ys) : Float32Array.from(b.ys);
    const ys =
      k === 1
        ? tf.tensor1d(yv, integer ? 'int32' : 'float32')
        : tf.tensor2d(yv, [b.shape[0], k], integer ? 'int32' : 'float32');
    yield { xs, ys, epoch: b.epoch, batch: b.batch };
  }
}
