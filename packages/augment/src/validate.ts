import {
  EmptyBatchError,
  InvalidArgumentError,
  InvalidShapeError,
  InvertedRangeError,
  NonFiniteParameterError,
  ShapeMismatchError,
} from './errors.js';

/**
 * Pixel storage accepted as input: float32 (any range), or bytes (`Uint8Array`, `Uint8ClampedArray`,
 * e.g. straight from `@fmnist/data` or a canvas). Warps and augmenters always return float32.
 */
export type ImageArray = Float32Array | Uint8Array | Uint8ClampedArray;

/** Shape of one image: `[height, width, channels]`, row-major HWC. */
export type ImageShape = readonly [height: number, width: number, channels: number];
/** Shape of a batch: `[count, height, width, channels]`, row-major NHWC. */
export type BatchShape = readonly [count: number, height: number, width: number, channels: number];

function positiveInts(shape: readonly number[]): boolean {
  return shape.every((d) => Number.isInteger(d) && d > 0);
}

/** @internal Check an image shape and, when given, the buffer length. */
export function checkImage(
  image: ArrayLike<number> | undefined,
  shape: ImageShape,
  what = 'image',
): void {
  if (!Array.isArray(shape) || shape.length !== 3 || !positiveInts(shape)) {
    throw new InvalidShapeError({
      shape: Array.isArray(shape) ? shape : [],
      expected: '[height, width, channels]',
    });
  }
  if (image && image.length !== shape[0] * shape[1] * shape[2]) {
    throw new ShapeMismatchError({ what, shape, actualLength: image.length });
  }
}

/** @internal Check a batch shape (count may be 0 only if `allowEmpty`) and the buffer length. */
export function checkBatch(images: ArrayLike<number>, shape: BatchShape, what = 'images'): void {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new InvalidShapeError({
      shape: Array.isArray(shape) ? shape : [],
      expected: '[count, height, width, channels]',
    });
  }
  if (shape[0] === 0 || images.length === 0) throw new EmptyBatchError({ what });
  if (!positiveInts(shape))
    throw new InvalidShapeError({ shape, expected: '[count, height, width, channels]' });
  if (images.length !== shape[0] * shape[1] * shape[2] * shape[3]) {
    throw new ShapeMismatchError({ what, shape, actualLength: images.length });
  }
}

/** @internal */
export function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NonFiniteParameterError({ parameter: name, value });
  }
  return value;
}

/** @internal */
export function nonNegative(name: string, value: unknown): number {
  const v = finite(name, value);
  if (v < 0)
    throw new InvalidArgumentError({ parameter: name, value: v, expected: 'a number >= 0' });
  return v;
}

/** @internal */
export function ordered(lowName: string, low: number, highName: string, high: number): void {
  if (low > high)
    throw new InvertedRangeError({ low: lowName, lowValue: low, high: highName, highValue: high });
}

/** @internal */
export function positiveInt(name: string, value: unknown): number {
  const v = finite(name, value);
  if (!Number.isInteger(v) || v < 1)
    throw new InvalidArgumentError({ parameter: name, value: v, expected: 'an integer >= 1' });
  return v;
}
