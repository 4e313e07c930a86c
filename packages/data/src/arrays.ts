/**
 * `@fmnist/data/arrays`: a flat typed array seen with a shape, like a tensor without a framework.
 * One buffer, several views: N×784, N×28×28 and N×28×28×1 are the same bytes, so {@link view},
 * {@link reshape}, {@link flatten} and {@link imagesView} never copy.
 * @packageDocumentation
 */
import { IMAGE_SIZE } from './classes.js';
import { ShapeError } from './errors.js';
import type { PixelArray, Split } from './load.js';

/** The typed arrays the helpers accept. */
export type NumericArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** A flat typed array seen with a shape (row-major), like a tensor without a framework. */
export interface ArrayView<T extends NumericArray = NumericArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Sees `data` with `shape`. One dimension may be `-1`: it is inferred. No copy.
 *
 * @throws {@link ShapeError} when the shape does not hold exactly `data.length` elements.
 */
export function view<T extends NumericArray>(data: T, shape: readonly number[]): ArrayView<T> {
  const inferred = shape.indexOf(-1);
  if (inferred !== shape.lastIndexOf(-1))
    throw new ShapeError({ reason: 'Only one dimension may be -1.' });
  for (const d of shape) {
    if (d !== -1 && !(Number.isInteger(d) && d >= 0)) {
      throw new ShapeError({ reason: `Bad dimension ${d} in [${shape.join(', ')}].` });
    }
  }
  let out = [...shape];
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || data.length % known !== 0) {
      throw new ShapeError({
        reason: `Cannot infer -1 in [${shape.join(', ')}] for ${data.length} elements.`,
      });
    }
    out = shape.map((d) => (d === -1 ? data.length / known : d));
  }
  if (sizeOf(out) !== data.length) {
    throw new ShapeError({
      reason: `Shape [${out.join(', ')}] holds ${sizeOf(out)} elements, not ${data.length}.`,
    });
  }
  return { data, shape: out };
}

/** The same data with another shape (one `-1` allowed). No copy. */
export function reshape<T extends NumericArray>(
  v: ArrayView<T>,
  shape: readonly number[],
): ArrayView<T> {
  return view(v.data, shape);
}

/** `[N, ...rest]` seen as `[N, prod(rest)]`: one row per item. No copy. */
export function flatten<T extends NumericArray>(v: ArrayView<T>): ArrayView<T> {
  if (v.shape.length === 0) return view(v.data, [1]);
  return view(v.data, [v.shape[0]!, sizeOf(v.shape.slice(1))]);
}

/** How to see a split's images: `flat` N×784, `hw` N×28×28, `image` N×28×28×1 (NHWC). */
export type ImageLayout = 'flat' | 'hw' | 'image';

/** A split's images as an {@link ArrayView} in the given layout. No copy. */
export function imagesView<P extends PixelArray>(
  split: Split<P>,
  layout: ImageLayout = 'hw',
): ArrayView<P> {
  const n = split.count;
  const s = IMAGE_SIZE;
  const shape = layout === 'flat' ? [n, s * s] : layout === 'hw' ? [n, s, s] : [n, s, s, 1];
  return view(split.images, shape);
}
