import { InvalidArgumentError } from './errors.js';
import { checkImage, finite, type ImageArray, type ImageShape } from './validate.js';

/**
 * How points that map outside the input are filled, as in Keras' `fill_mode` (passed unchanged to
 * `scipy.ndimage.affine_transform(order=1, mode=...)`):
 * - `nearest`: `aaaa|abcd|dddd`, the edge value repeats.
 * - `constant`: `kkkk|abcd|kkkk` with `k = cval`; a point is filled as soon as it falls outside
 *   [0, size − 1] on either axis (no blending with `cval` across the edge).
 * - `reflect`: `dcba|abcd|dcba`, reflection about the pixel edge (half-sample symmetric).
 * - `wrap`: scipy's `'wrap'`, which tiles with period size − 1 (the first and last samples
 *   overlap), not scipy's `'grid-wrap'` (period size). This is what Keras calls.
 */
export type FillMode = 'nearest' | 'constant' | 'reflect' | 'wrap';

/** @internal Numeric codes of the fill modes. */
const FILL_CODES: Readonly<Record<FillMode, number>> = {
  nearest: 0,
  constant: 1,
  reflect: 2,
  wrap: 3,
};

/** @internal */
export function fillCode(mode: unknown): number {
  const code = typeof mode === 'string' ? FILL_CODES[mode as FillMode] : undefined;
  if (code === undefined || !Object.hasOwn(FILL_CODES, mode as string)) {
    throw new InvalidArgumentError({
      parameter: 'fillMode',
      value: mode,
      expected: "one of 'nearest', 'constant', 'reflect', 'wrap'",
    });
  }
  return code;
}

/**
 * The parameters of one Keras transform (the dictionary of `ImageDataGenerator.apply_transform`).
 * Every field is optional; a missing one is the identity.
 */
export interface AffineParams {
  /** Rotation angle in degrees. Default 0. */
  theta?: number;
  /** Shift along the rows (vertical), in pixels; Keras' `tx` (drawn from `height_shift_range`). */
  tx?: number;
  /** Shift along the columns (horizontal), in pixels; Keras' `ty` (from `width_shift_range`). */
  ty?: number;
  /** Shear angle in degrees. Default 0. */
  shear?: number;
  /** Zoom factor of the row coordinate; > 1 zooms out (inverse warp, as in Keras). Default 1. */
  zx?: number;
  /** Zoom factor of the column coordinate; > 1 zooms out. Default 1. */
  zy?: number;
  /** Mirror the columns after the warp (Keras' `flip_horizontal`). Default false. */
  flipHorizontal?: boolean;
}

/**
 * A 2×3 inverse map, row-major: an output pixel (row, col) samples the input at
 * `(m[0]·row + m[1]·col + m[2], m[3]·row + m[4]·col + m[5])`, exactly the `matrix[:2, :2]` and
 * `offset` that Keras hands to `scipy.ndimage.affine_transform`.
 */
export type AffineMatrix = Float64Array;

/** o = a · b for row-major 3×3 matrices (o must be distinct from a and b). */
function mul3(a: Float64Array, b: Float64Array, o: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    const a0 = a[i * 3];
    const a1 = a[i * 3 + 1];
    const a2 = a[i * 3 + 2];
    o[i * 3] = a0 * b[0] + a1 * b[3] + a2 * b[6];
    o[i * 3 + 1] = a0 * b[1] + a1 * b[4] + a2 * b[7];
    o[i * 3 + 2] = a0 * b[2] + a1 * b[5] + a2 * b[8];
  }
}

function set3(
  o: Float64Array,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
): void {
  o[0] = a;
  o[1] = b;
  o[2] = c;
  o[3] = d;
  o[4] = e;
  o[5] = f;
  o[6] = 0;
  o[7] = 0;
  o[8] = 1;
}

const DEG = Math.PI / 180;
// Scratch matrices: affineMatrix is called once per image on the hot path and must not allocate.
const S_ACC = new Float64Array(9);
const S_FAC = new Float64Array(9);
const S_TMP = new Float64Array(9);

/** S_ACC = S_FAC when `first`, else S_ACC = S_ACC · S_FAC (numpy's `np.dot(M, F)`). */
function accumulate(first: boolean): void {
  if (first) {
    S_ACC.set(S_FAC);
  } else {
    mul3(S_ACC, S_FAC, S_TMP);
    S_ACC.set(S_TMP);
  }
}

/**
 * The inverse map of one transform, built as Keras' `apply_affine_transform` builds it: the product
 * rotation · shift · shear · zoom (each factor included only when it is not the identity, in that
 * order), then centred with `offset · M · reset` on ((height − 1)/2, (width − 1)/2). With all-identity
 * parameters this is exactly `[1, 0, 0, 0, 1, 0]`. `flipHorizontal` is not part of the matrix.
 *
 * @param params - The transform; see {@link AffineParams}.
 * @param height - Image height in pixels.
 * @param width - Image width in pixels.
 * @param out - Optional 6-element array to write into (no allocation on the hot path).
 * @throws {@link NonFiniteParameterError} for NaN/Infinity parameters.
 */
export function affineMatrix(
  params: AffineParams,
  height: number,
  width: number,
  out: Float64Array = new Float64Array(6),
): AffineMatrix {
  const theta = finite('theta', params.theta ?? 0);
  const tx = finite('tx', params.tx ?? 0);
  const ty = finite('ty', params.ty ?? 0);
  const shear = finite('shear', params.shear ?? 0);
  const zx = finite('zx', params.zx ?? 1);
  const zy = finite('zy', params.zy ?? 1);
  finite('height', height);
  finite('width', width);
  let any = false;
  if (theta !== 0) {
    const t = theta * DEG;
    const c = Math.cos(t);
    const s = Math.sin(t);
    set3(S_FAC, c, -s, 0, s, c, 0);
    accumulate(!any);
    any = true;
  }
  if (tx !== 0 || ty !== 0) {
    set3(S_FAC, 1, 0, tx, 0, 1, ty);
    accumulate(!any);
    any = true;
  }
  if (shear !== 0) {
    const s = shear * DEG;
    set3(S_FAC, 1, -Math.sin(s), 0, 0, Math.cos(s), 0);
    accumulate(!any);
    any = true;
  }
  if (zx !== 1 || zy !== 1) {
    set3(S_FAC, zx, 0, 0, 0, zy, 0);
    accumulate(!any);
    any = true;
  }
  if (!any) {
    out[0] = 1;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    out[4] = 1;
    out[5] = 0;
    return out;
  }
  // transform_matrix_offset_center: np.dot(np.dot(offset, M), reset), o = size / 2 - 0.5.
  const ox = height / 2 - 0.5;
  const oy = width / 2 - 0.5;
  set3(S_FAC, 1, 0, ox, 0, 1, oy);
  mul3(S_FAC, S_ACC, S_TMP);
  set3(S_FAC, 1, 0, -ox, 0, 1, -oy);
  mul3(S_TMP, S_FAC, S_ACC);
  for (let i = 0; i < 6; i++) out[i] = S_ACC[i];
  return out;
}

/** Options of {@link warpAffine} and {@link applyAffine}. */
export interface WarpOptions {
  /** Boundary handling; default `'nearest'` (Keras' default). */
  fillMode?: FillMode;
  /** Fill value for `'constant'`; default 0. */
  cval?: number;
  /** Write here instead of a new array (must not be `src`; same length). */
  out?: Float32Array;
  /** Mirror the columns of the result (Keras applies `flip_horizontal` after the warp). */
  flipHorizontal?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Kernels: a one-channel kernel (the hot path) and a generic one for C > 1. Coordinates at the
// borders are computed as scipy computes them, `(row·m0 + col·m1) + m2`, and the bilinear sum is
// accumulated in scipy's order, so results match scipy to the last bit or two of float32. `flip`
// writes the columns right to left. No allocation, no closures, no mode test in the interior.
// ---------------------------------------------------------------------------------------------

/** @internal scipy's `map_coordinate` for `mode='reflect'`: result in (−1, len). */
export function reflectCoord(v: number, len: number): number {
  if (len <= 1) return 0;
  const sz2 = 2 * len;
  if (v < 0) {
    if (v < -sz2) v = sz2 * Math.trunc(-v / sz2) + v;
    return v < -len ? v + sz2 : (v > -1e-15 ? 1e-15 : -v) - 1;
  }
  v -= sz2 * Math.trunc(v / sz2);
  return v >= len ? sz2 - v - 1 : v;
}

/** @internal scipy's `map_coordinate` for `mode='wrap'` (period len − 1): result in [0, len − 1]. */
export function wrapCoord(v: number, len: number): number {
  if (len <= 1) return 0;
  const sz = len - 1;
  if (v < 0) return v + sz * (Math.trunc(-v / sz) + 1);
  return v - sz * Math.trunc(v / sz);
}

/**
 * The one-channel kernel. Per row, the columns whose source point lies inside the interior
 * [0, H − 1 − ε) × [0, W − 1 − ε) form one contiguous run (scipy's coordinate expression is monotonic
 * in the column, and so is its floating-point value), so each row is a left border, an interior run
 * and a right border. Border pixels use scipy's exact coordinate expression and the fill mode; the
 * interior run has no boundary test and steps the coordinates by addition, which drifts from
 * scipy's by far less than ε (a few 1e-13 on 28×28) and so cannot leave the image.
 */
function kernel1(
  src: ImageArray,
  so: number,
  dst: Float32Array,
  dOff: number,
  h: number,
  w: number,
  m: Float64Array,
  mode: number,
  cval: number,
  flip: boolean,
): void {
  const a = m[0];
  const b = m[1];
  const e = m[2];
  const c = m[3];
  const d = m[4];
  const f = m[5];
  // Bound on the drift of w additions of values below max(h, w) + |offsets|, with room to spare.
  const eps = 8 * (w + 1) * (Math.max(h, w) + Math.abs(e) + Math.abs(f) + 1) * Number.EPSILON;
  const hm1 = h - 1;
  const wm1 = w - 1;
  const yMax = hm1 - eps;
  const xMax = wm1 - eps;
  const step = flip ? -1 : 1;
  for (let r = 0; r < h; r++) {
    const ry = r * a;
    const rx = r * c;
    const row = dOff + r * w + (flip ? wm1 : 0);
    // The interior run [c0, c1] (empty when c0 === w).
    let c0 = 0;
    for (; c0 < w; c0++) {
      const y = ry + c0 * b + e;
      const x = rx + c0 * d + f;
      if (y >= 0 && y < yMax && x >= 0 && x < xMax) break;
    }
    let c1 = wm1;
    if (c0 < w) {
      for (; c1 > c0; c1--) {
        const y = ry + c1 * b + e;
        const x = rx + c1 * d + f;
        if (y >= 0 && y < yMax && x >= 0 && x < xMax) break;
      }
      let y = ry + c0 * b + e;
      let x = rx + c0 * d + f;
      let di = row + c0 * step;
      for (let col = c0; col <= c1; col++, di += step, y += b, x += d) {
        // y, x in (-ε, size - 1): truncation is the floor (or 0 for -ε); both taps are inside.
        const y0 = y | 0;
        const x0 = x | 0;
        const fy = y - y0;
        const fx = x - x0;
        const i = so + y0 * w + x0;
        const v00 = src[i];
        const v10 = src[i + w];
        const top = v00 + (src[i + 1] - v00) * fx;
        const bottom = v10 + (src[i + w + 1] - v10) * fx;
        dst[di] = top + (bottom - top) * fy;
      }
    }
    // Border pixels: columns [0, c0) and (c1, w).
    for (let col = 0; col < w; col++) {
      if (col === c0) {
        col = c1;
        continue;
      }
      let y = ry + col * b + e;
      let x = rx + col * d + f;
      if (mode === 0) {
        y = y < 0 ? 0 : Math.min(y, hm1);
        x = x < 0 ? 0 : Math.min(x, wm1);
      } else if (mode === 1) {
        if (y < 0 || y > hm1 || x < 0 || x > wm1) {
          dst[row + col * step] = cval;
          continue;
        }
      } else if (mode === 2) {
        if (y < 0 || y > hm1) y = reflectCoord(y, h);
        if (x < 0 || x > wm1) x = reflectCoord(x, w);
      } else {
        if (y < 0 || y > hm1) y = wrapCoord(y, h);
        if (x < 0 || x > wm1) x = wrapCoord(x, w);
      }
      // y, x in (-1, size): clamp the taps (scipy maps reflect's outer tap to the edge pixel; for
      // the other modes an outer tap has weight 0).
      const yf = Math.floor(y);
      const xf = Math.floor(x);
      const gy = 1 - (y - yf);
      const gx = 1 - (x - xf);
      const py = 1 - gy;
      const px = 1 - gx;
      const i0 = so + Math.max(yf, 0) * w;
      const i1 = so + Math.min(yf + 1, hm1) * w;
      const x0 = Math.max(xf, 0);
      const x1 = Math.min(xf + 1, wm1);
      dst[row + col * step] =
        src[i0 + x0] * gy * gx +
        src[i0 + x1] * gy * px +
        src[i1 + x0] * py * gx +
        src[i1 + x1] * py * px;
    }
  }
}

/** Generic kernel for any channel count (the mode is tested per pixel; C = 1 uses the above). */
function kernelN(
  src: ImageArray,
  so: number,
  dst: Float32Array,
  dOff: number,
  h: number,
  w: number,
  ch: number,
  m: Float64Array,
  mode: number,
  cval: number,
  flip: boolean,
): void {
  const hm1 = h - 1;
  const wm1 = w - 1;
  const row = w * ch;
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const di = dOff + r * row + (flip ? wm1 - col : col) * ch;
      let y = r * m[0] + col * m[1] + m[2];
      let x = r * m[3] + col * m[4] + m[5];
      if (y < 0 || y > hm1 || x < 0 || x > wm1) {
        if (mode === 1) {
          for (let k = 0; k < ch; k++) dst[di + k] = cval;
          continue;
        }
        if (mode === 0) {
          y = y < 0 ? 0 : Math.min(y, hm1);
          x = x < 0 ? 0 : Math.min(x, wm1);
        } else if (mode === 2) {
          if (y < 0 || y > hm1) y = reflectCoord(y, h);
          if (x < 0 || x > wm1) x = reflectCoord(x, w);
        } else {
          if (y < 0 || y > hm1) y = wrapCoord(y, h);
          if (x < 0 || x > wm1) x = wrapCoord(x, w);
        }
      }
      const yf = Math.floor(y);
      const xf = Math.floor(x);
      const fy = y - yf;
      const fx = x - xf;
      const gy = 1 - fy;
      const gx = 1 - fx;
      // scipy: w0 = 1 - f, w1 = 1 - w0 (not f), so the weights sum to exactly 1.
      const py = 1 - gy;
      const px = 1 - gx;
      const i0 = so + Math.max(yf, 0) * row;
      const i1 = so + (yf < hm1 ? yf + 1 : hm1) * row;
      const x0 = Math.max(xf, 0) * ch;
      const x1 = (xf < wm1 ? xf + 1 : wm1) * ch;
      for (let k = 0; k < ch; k++) {
        dst[di + k] =
          src[i0 + x0 + k] * gy * gx +
          src[i0 + x1 + k] * gy * px +
          src[i1 + x0 + k] * py * gx +
          src[i1 + x1 + k] * py * px;
      }
    }
  }
}

/** @internal True for exactly `[1, 0, 0, 0, 1, 0]`. */
function isIdentity(m: Float64Array): boolean {
  return m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 0 && m[4] === 1 && m[5] === 0;
}

/**
 * @internal The unchecked hot path: warp image `src[so ..]` of shape h×w×ch into `dst[dOff ..]`.
 * The identity without flip is a plain copy (Keras skips scipy entirely then).
 */
export function warpInto(
  src: ImageArray,
  so: number,
  dst: Float32Array,
  dOff: number,
  h: number,
  w: number,
  ch: number,
  m: Float64Array,
  mode: number,
  cval: number,
  flip: boolean,
): void {
  if (!flip && isIdentity(m)) {
    const n = h * w * ch;
    if (src !== dst || so !== dOff) dst.set(src.subarray(so, so + n), dOff);
    return;
  }
  if (ch === 1) kernel1(src, so, dst, dOff, h, w, m, mode, cval, flip);
  else kernelN(src, so, dst, dOff, h, w, ch, m, mode, cval, flip);
}

/**
 * Warp one H×W×C image (float32 or bytes; the result is float32) by a given inverse map, with
 * bilinear interpolation and scipy's boundary handling
 * (`scipy.ndimage.affine_transform(channel, m[:2,:2], m[:,2], order=1, mode=fillMode, cval=cval)`
 * on each channel).
 *
 * @param src - The image, row-major HWC.
 * @param shape - `[height, width, channels]`.
 * @param matrix - The inverse map from {@link affineMatrix} (or your own).
 * @returns `options.out` or a new array.
 * @throws {@link ShapeMismatchError}, {@link InvalidShapeError}, {@link InvalidArgumentError},
 *   {@link NonFiniteParameterError}.
 */
export function warpAffine(
  src: ImageArray,
  shape: ImageShape,
  matrix: ArrayLike<number>,
  options: WarpOptions = {},
): Float32Array {
  checkImage(src, shape);
  if (matrix.length !== 6) {
    throw new InvalidArgumentError({
      parameter: 'matrix',
      value: `length ${matrix.length}`,
      expected: 'six numbers (a 2×3 map)',
    });
  }
  const m = Float64Array.from(matrix);
  for (let i = 0; i < 6; i++) finite(`matrix[${i}]`, m[i]);
  const mode = fillCode(options.fillMode ?? 'nearest');
  const cval = finite('cval', options.cval ?? 0);
  const out = options.out ?? new Float32Array(src.length);
  checkImage(out, shape, 'out');
  if (out === src) {
    throw new InvalidArgumentError({
      parameter: 'out',
      value: 'the source array',
      expected: 'a different array (warps cannot run in place)',
    });
  }
  warpInto(
    src,
    0,
    out,
    0,
    shape[0],
    shape[1],
    shape[2],
    m,
    mode,
    cval,
    options.flipHorizontal === true,
  );
  return out;
}

/**
 * Apply one Keras transform to one image: `affineMatrix(params)` then {@link warpAffine}, then the
 * horizontal flip if `params.flipHorizontal` (the same as Keras' `apply_transform` for these
 * parameters, with the centre at ((H − 1)/2, (W − 1)/2)).
 *
 * @example
 * ```ts
 * const rotated = applyAffine(image, [28, 28, 1], { theta: 90 }, { fillMode: 'constant' });
 * ```
 */
export function applyAffine(
  src: ImageArray,
  shape: ImageShape,
  params: AffineParams,
  options: WarpOptions = {},
): Float32Array {
  checkImage(src, shape);
  const m = affineMatrix(params, shape[0], shape[1]);
  return warpAffine(src, shape, m, {
    ...options,
    flipHorizontal: params.flipHorizontal === true || options.flipHorizontal === true,
  });
}
