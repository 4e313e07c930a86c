import { EraserExhaustedError, EraserImpossibleError, ParameterRangeError } from './errors.js';
import type { Rng } from './rng.js';
import {
  checkImage,
  finite,
  type ImageShape,
  nonNegative,
  ordered,
  positiveInt,
} from './validate.js';

/**
 * Random erasing (Zhong et al. 2017) with the parameters and defaults of yu4u's
 * `get_random_eraser` (reference names in brackets).
 */
export interface ErasingOptions {
  /** Probability of erasing an image [`p`]. Default 0.5. */
  p?: number;
  /** Smallest erased area, as a fraction of the image [`s_l`]. Default 0.02. */
  sl?: number;
  /** Largest erased area fraction [`s_h`]. Default 0.4. */
  sh?: number;
  /** Smallest aspect ratio height/width [`r_1`]; must be > 0. Default 0.3. */
  r1?: number;
  /** Largest aspect ratio [`r_2`]. Default 1/0.3. */
  r2?: number;
  /** Lowest fill value [`v_l`]. Default 0. */
  vl?: number;
  /** Highest fill value [`v_h`]. Default 255 (use 1 for images scaled to [0, 1]). */
  vh?: number;
  /** Fill each erased element with its own random value instead of one per rectangle [`pixel_level`]. */
  pixelLevel?: boolean;
  /**
   * How many rectangles to draw before giving up (the reference loops forever). Default 100: with
   * the defaults on 28×28 images about a third of the draws fit (3.04 draws per erased image), so
   * 100 failures in a row has a probability of about 5e-18.
   */
  maxAttempts?: number;
  /**
   * What to do when `maxAttempts` draws all fail: `'throw'` an {@link EraserExhaustedError}
   * (default), or `'skip'` and leave the image unerased. Parameters under which no rectangle can
   * ever fit always throw {@link EraserImpossibleError}, before any draw.
   */
  onExhausted?: 'throw' | 'skip';
}

/** @internal Validated eraser options. */
export interface NormalizedErasing {
  p: number;
  sl: number;
  sh: number;
  r1: number;
  r2: number;
  vl: number;
  vh: number;
  pixelLevel: boolean;
  maxAttempts: number;
  skipOnExhausted: boolean;
}

/** The reference's defaults. */
export const ERASING_DEFAULTS: Readonly<Required<ErasingOptions>> = Object.freeze({
  p: 0.5,
  sl: 0.02,
  sh: 0.4,
  r1: 0.3,
  r2: 1 / 0.3,
  vl: 0,
  vh: 255,
  pixelLevel: false,
  maxAttempts: 100,
  onExhausted: 'throw',
});

/** @internal Validate eraser options once. */
export function normalizeErasing(o: ErasingOptions = {}): NormalizedErasing {
  const d = ERASING_DEFAULTS;
  const p = finite('p', o.p ?? d.p);
  if (p < 0 || p > 1) throw new ParameterRangeError('p', p, 'a probability in [0, 1]');
  const sl = nonNegative('sl', o.sl ?? d.sl);
  const sh = nonNegative('sh', o.sh ?? d.sh);
  ordered('sl', sl, 'sh', sh);
  const r1 = finite('r1', o.r1 ?? d.r1);
  if (r1 <= 0) throw new ParameterRangeError('r1', r1, 'an aspect ratio > 0');
  const r2 = finite('r2', o.r2 ?? d.r2);
  ordered('r1', r1, 'r2', r2);
  const vl = finite('vl', o.vl ?? d.vl);
  const vh = finite('vh', o.vh ?? d.vh);
  ordered('vl', vl, 'vh', vh);
  const maxAttempts = positiveInt('maxAttempts', o.maxAttempts ?? d.maxAttempts);
  const onExhausted = o.onExhausted ?? d.onExhausted;
  if (onExhausted !== 'throw' && onExhausted !== 'skip') {
    throw new ParameterRangeError('onExhausted', onExhausted, "'throw' or 'skip'");
  }
  return {
    p,
    sl,
    sh,
    r1,
    r2,
    vl,
    vh,
    pixelLevel: o.pixelLevel === true,
    maxAttempts,
    skipOnExhausted: onExhausted === 'skip',
  };
}

/**
 * @internal Throw {@link EraserImpossibleError} when no (area, ratio) in the ranges gives a
 * rectangle that fits. A draw fits when `floor(sqrt(s/r)) <= W` and `floor(sqrt(s·r)) <= H`; the
 * smallest area is the easiest, and then r must lie in (S/(W+1)², (H+1)²/S).
 */
export function checkErasingFeasible(n: NormalizedErasing, h: number, w: number): void {
  const s = n.sl * h * w;
  if (s === 0) return;
  const fits = (r: number) =>
    Math.floor(Math.sqrt(s / r)) <= w && Math.floor(Math.sqrt(s * r)) <= h;
  const low = Math.max(n.r1, s / ((w + 1) * (w + 1)));
  const high = Math.min(n.r2, ((h + 1) * (h + 1)) / s);
  const ok = n.r1 === n.r2 ? fits(n.r1) : low < high;
  if (!ok) {
    throw new EraserImpossibleError(
      h,
      w,
      `the smallest area ${n.sl}·${h}·${w} = ${s.toFixed(2)} px needs an aspect ratio in ` +
        `(${(s / ((w + 1) * (w + 1))).toFixed(4)}, ${(((h + 1) * (h + 1)) / s).toFixed(4)}), ` +
        `outside [r1, r2] = [${n.r1}, ${n.r2}]`,
    );
  }
}

/** One erasing decision: where the rectangle goes, and the area and ratio drawn for it. */
export interface ErasingBox {
  top: number;
  left: number;
  /** Rows erased: `floor(sqrt(area · ratio))`. */
  height: number;
  /** Columns erased: `floor(sqrt(area / ratio))`. */
  width: number;
  /** The drawn area in pixels, `uniform(sl, sh) · H · W`. */
  area: number;
  /** The drawn aspect ratio, `uniform(r1, r2)`. */
  ratio: number;
  /** Draws used (1 when the first rectangle fitted). */
  attempts: number;
}

// Scratch for the hot path.
const BOX: ErasingBox = { top: 0, left: 0, height: 0, width: 0, area: 0, ratio: 0, attempts: 0 };

/**
 * @internal The reference's draw: `p_1 = rand(); if p_1 > p: skip`, then redraw (area, ratio,
 * left, top) until the rectangle fits, at most `maxAttempts` times. Returns false when nothing is
 * erased. Writes into `box`.
 */
export function drawBox(
  n: NormalizedErasing,
  rng: Rng,
  h: number,
  w: number,
  box: ErasingBox,
): boolean {
  if (rng.float() > n.p) return false;
  for (let attempt = 1; attempt <= n.maxAttempts; attempt++) {
    const area = rng.uniform(n.sl, n.sh) * h * w;
    const ratio = rng.uniform(n.r1, n.r2);
    const bw = Math.floor(Math.sqrt(area / ratio));
    const bh = Math.floor(Math.sqrt(area * ratio));
    const left = rng.int(0, w - 1);
    const top = rng.int(0, h - 1);
    if (left + bw <= w && top + bh <= h) {
      box.top = top;
      box.left = left;
      box.height = bh;
      box.width = bw;
      box.area = area;
      box.ratio = ratio;
      box.attempts = attempt;
      return true;
    }
  }
  if (n.skipOnExhausted) return false;
  throw new EraserExhaustedError(n.maxAttempts);
}

/** @internal Erase in place in `buf[off ..]` (an h×w×c image). Assumes feasibility was checked. */
export function eraseInto(
  n: NormalizedErasing,
  rng: Rng,
  buf: Float32Array,
  off: number,
  h: number,
  w: number,
  c: number,
): void {
  if (!drawBox(n, rng, h, w, BOX)) return;
  const { top, left, height, width } = BOX;
  const rowLen = width * c;
  if (n.pixelLevel) {
    for (let r = top; r < top + height; r++) {
      const start = off + (r * w + left) * c;
      for (let i = 0; i < rowLen; i++) buf[start + i] = rng.uniform(n.vl, n.vh);
    }
  } else {
    const v = rng.uniform(n.vl, n.vh);
    for (let r = top; r < top + height; r++) {
      const start = off + (r * w + left) * c;
      buf.fill(v, start, start + rowLen);
    }
  }
}

/**
 * Draw one erasing decision without touching any image (for inspection, or to erase with your own
 * code, e.g. on a GPU tensor). Consumes the generator exactly as {@link randomErasing} does before
 * it draws the fill values.
 *
 * @returns The rectangle, or `null` when the image is not erased (probability 1 − p, or
 *   `onExhausted: 'skip'` after `maxAttempts` failures).
 * @throws {@link EraserImpossibleError}, {@link EraserExhaustedError}, and validation errors.
 */
export function drawErasingBox(
  options: ErasingOptions,
  rng: Rng,
  height: number,
  width: number,
): ErasingBox | null {
  const n = normalizeErasing(options);
  checkImage(undefined, [height, width, 1]);
  checkErasingFeasible(n, height, width);
  const box = { ...BOX };
  return drawBox(n, rng, height, width, box) ? box : null;
}

/** Options of one eraser call. */
export interface EraseCallOptions {
  /** Erase the given array itself (as the reference does) instead of a copy. Default false. */
  inPlace?: boolean;
}

/**
 * Randomly erase one rectangle of an H×W×C float32 image with probability `p`, with the semantics
 * of yu4u's `get_random_eraser` (see {@link ErasingOptions}); every channel of the rectangle gets
 * the same value unless `pixelLevel`.
 *
 * @returns The erased image: `image` itself when `inPlace`, otherwise a new array (also when
 *   nothing was erased).
 * @throws {@link ShapeMismatchError}, {@link EraserImpossibleError}, {@link EraserExhaustedError},
 *   and parameter errors.
 * @example
 * ```ts
 * const erased = randomErasing(image, [28, 28, 1], { p: 1, vh: 1 }, createRng(7));
 * ```
 */
export function randomErasing(
  image: Float32Array,
  shape: ImageShape,
  options: ErasingOptions,
  rng: Rng,
  call: EraseCallOptions = {},
): Float32Array {
  return createRandomEraser(options)(image, shape, rng, call);
}

/** A reusable eraser (options validated once); usable as an augmenter's preprocessing function. */
export interface RandomEraser {
  (image: Float32Array, shape: ImageShape, rng: Rng, call?: EraseCallOptions): Float32Array;
  /** The validated options. */
  readonly options: Readonly<Required<ErasingOptions>>;
  /** @internal */
  readonly normalized: NormalizedErasing;
}

/**
 * Validate the options once and return an eraser function (the counterpart of the reference's
 * `get_random_eraser(...)`, which returns `eraser(img)`).
 *
 * @example
 * ```ts
 * const eraser = createRandomEraser({ p: 0.5, vh: 255 });
 * const rng = createRng(1);
 * const erased = eraser(image, [28, 28, 1], rng);           // a copy
 * eraser(image, [28, 28, 1], rng, { inPlace: true });       // the reference's in-place form
 * ```
 */
export function createRandomEraser(options: ErasingOptions = {}): RandomEraser {
  const n = normalizeErasing(options);
  let lastH = -1;
  let lastW = -1;
  const eraser = (
    image: Float32Array,
    shape: ImageShape,
    rng: Rng,
    call: EraseCallOptions = {},
  ): Float32Array => {
    checkImage(image, shape);
    const [h, w, c] = shape;
    if (h !== lastH || w !== lastW) {
      checkErasingFeasible(n, h, w);
      lastH = h;
      lastW = w;
    }
    const out = call.inPlace === true ? image : image.slice();
    eraseInto(n, rng, out, 0, h, w, c);
    return out;
  };
  const full: Required<ErasingOptions> = {
    p: n.p,
    sl: n.sl,
    sh: n.sh,
    r1: n.r1,
    r2: n.r2,
    vl: n.vl,
    vh: n.vh,
    pixelLevel: n.pixelLevel,
    maxAttempts: n.maxAttempts,
    onExhausted: n.skipOnExhausted ? 'skip' : 'throw',
  };
  return Object.assign(eraser, { options: Object.freeze(full), normalized: n });
}

/** @internal True for functions made by {@link createRandomEraser}. */
export function isRandomEraser(f: unknown): f is RandomEraser {
  return typeof f === 'function' && 'normalized' in f && 'options' in f;
}
