import { type AffineParams, type FillMode, fillCode } from './affine.js';
import { InvalidArgumentError } from './errors.js';
import type { Rng } from './rng.js';
import { finite, nonNegative, ordered } from './validate.js';

/**
 * The random-transform options of Keras' `ImageDataGenerator`, camel-cased. All default to "off".
 */
export interface AffineOptions {
  /** Degrees; the angle is drawn uniformly from [−r, r]. Default 0. */
  rotationRange?: number;
  /**
   * Horizontal shift (Keras' `ty`, applied to columns). A number r: uniform in [−r, r], a fraction
   * of the width when r < 1, pixels otherwise. An array: one of its values with a random sign
   * (fractions of the width when every value is < 1). Keras' `int` form (integer pixels in
   * (−n, n)) is the array `[0, 1, …, n − 1]`. Default 0.
   */
  widthShiftRange?: number | readonly number[];
  /** Vertical shift (Keras' `tx`, applied to rows), as `widthShiftRange` with the height. */
  heightShiftRange?: number | readonly number[];
  /** Shear angle in degrees, drawn uniformly from [−r, r]. Default 0. */
  shearRange?: number;
  /**
   * A number z: zx and zy drawn independently from [1 − z, 1 + z]; or `[low, high]`. Values > 1
   * zoom out (Keras' inverse-warp convention). Default 0 (no zoom).
   */
  zoomRange?: number | readonly [number, number];
  /** Mirror the columns with probability 1/2. Default false. */
  horizontalFlip?: boolean;
  /** Boundary handling; default `'nearest'` as in Keras. */
  fillMode?: FillMode;
  /** Fill value for `fillMode: 'constant'`. Default 0. */
  cval?: number;
}

/** @internal Validated, ready-to-draw form of {@link AffineOptions}. */
export interface NormalizedAffine {
  rotation: number;
  width: number | Float64Array;
  height: number | Float64Array;
  shear: number;
  zoomLow: number;
  zoomHigh: number;
  flip: boolean;
  fillMode: FillMode;
  mode: number;
  cval: number;
}

function shiftRange(
  name: string,
  v: number | readonly number[] | undefined,
): number | Float64Array {
  if (v === undefined) return 0;
  if (typeof v === 'number') return nonNegative(name, v);
  if (!Array.isArray(v) || v.length === 0) {
    throw new InvalidArgumentError({
      parameter: name,
      value: v,
      expected: 'a number or a non-empty array of numbers',
    });
  }
  return Float64Array.from(v, (x, i) => finite(`${name}[${i}]`, x));
}

/** @internal Validate {@link AffineOptions} once. */
export function normalizeAffine(o: AffineOptions = {}): NormalizedAffine {
  const rotation = nonNegative('rotationRange', o.rotationRange ?? 0);
  const shear = nonNegative('shearRange', o.shearRange ?? 0);
  let zoomLow = 1;
  let zoomHigh = 1;
  const z = o.zoomRange ?? 0;
  if (typeof z === 'number') {
    nonNegative('zoomRange', z);
    zoomLow = 1 - z;
    zoomHigh = 1 + z;
  } else if (Array.isArray(z) && z.length === 2) {
    zoomLow = finite('zoomRange[0]', z[0]);
    zoomHigh = finite('zoomRange[1]', z[1]);
    ordered('zoomRange[0]', zoomLow, 'zoomRange[1]', zoomHigh);
  } else {
    throw new InvalidArgumentError({
      parameter: 'zoomRange',
      value: z,
      expected: 'a number or a [low, high] pair',
    });
  }
  const fillMode = o.fillMode ?? 'nearest';
  return {
    rotation,
    width: shiftRange('widthShiftRange', o.widthShiftRange),
    height: shiftRange('heightShiftRange', o.heightShiftRange),
    shear,
    zoomLow,
    zoomHigh,
    flip: o.horizontalFlip === true,
    fillMode,
    mode: fillCode(fillMode),
    cval: finite('cval', o.cval ?? 0),
  };
}

function drawShift(range: number | Float64Array, size: number, rng: Rng): number {
  if (typeof range === 'number') {
    if (range === 0) return 0;
    const t = rng.uniform(-range, range);
    return range < 1 ? t * size : t;
  }
  let t = range[rng.int(0, range.length - 1)];
  t *= rng.int(0, 1) === 0 ? -1 : 1;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < range.length; i++) if (range[i] > max) max = range[i];
  return max < 1 ? t * size : t;
}

/**
 * @internal Draw parameters into `out`, following Keras' `get_random_transform`: theta, tx (height),
 * ty (width), shear, then zx and zy (only when the zoom range is not [1, 1]), then the flip.
 */
export function drawAffine(
  n: NormalizedAffine,
  rng: Rng,
  height: number,
  width: number,
  out: AffineParams,
): AffineParams {
  out.theta = n.rotation !== 0 ? rng.uniform(-n.rotation, n.rotation) : 0;
  out.tx = drawShift(n.height, height, rng);
  out.ty = drawShift(n.width, width, rng);
  out.shear = n.shear !== 0 ? rng.uniform(-n.shear, n.shear) : 0;
  if (n.zoomLow === 1 && n.zoomHigh === 1) {
    out.zx = 1;
    out.zy = 1;
  } else {
    out.zx = rng.uniform(n.zoomLow, n.zoomHigh);
    out.zy = rng.uniform(n.zoomLow, n.zoomHigh);
  }
  out.flipHorizontal = n.flip ? rng.float() < 0.5 : false;
  return out;
}

/**
 * Draw the parameters of one random transform with Keras' `ImageDataGenerator` semantics.
 *
 * @param options - The ranges; see {@link AffineOptions}.
 * @param rng - The generator to draw from (advanced).
 * @param height - Image height (scales fractional `heightShiftRange`).
 * @param width - Image width (scales fractional `widthShiftRange`).
 * @throws {@link InvalidArgumentError}, {@link NonFiniteParameterError}, {@link InvertedRangeError}.
 * @example
 * ```ts
 * const params = randomAffineParams({ rotationRange: 10, zoomRange: 0.1 }, createRng(1), 28, 28);
 * const out = applyAffine(image, [28, 28, 1], params);
 * ```
 */
export function randomAffineParams(
  options: AffineOptions,
  rng: Rng,
  height: number,
  width: number,
): Required<AffineParams> {
  return drawAffine(normalizeAffine(options), rng, height, width, {}) as Required<AffineParams>;
}
