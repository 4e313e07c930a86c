import {
  ConflictingOptionsError,
  EraserExhaustedError,
  EraserImpossibleError,
  InvalidArgumentError,
} from './errors.js';
import { createRng, type Rng } from './rng.js';
import {
  checkImage,
  finite,
  type ImageArray,
  type ImageShape,
  nonNegative,
  ordered,
  positiveInt,
} from './validate.js';

/** A `[low, high]` pair, both included. */
type Range = readonly [low: number, high: number];

/**
 * Random erasing (Zhong et al. 2017) with the parameters and defaults of yu4u's
 * `get_random_eraser`. Each range has a descriptive name (`areaRange`, `aspectRange`,
 * `valueRange`); the paper's symbols (`sl`, `sh`, `r1`, `r2`, `vl`, `vh`) are accepted too, as
 * aliases of the two ends. Give either; giving both with different values throws
 * {@link ConflictingOptionsError}.
 */
export interface ErasingOptions {
  /** Probability of erasing an image [`p`]. Default 0.5. */
  p?: number;
  /**
   * Smallest and largest erased area, as fractions of the image [`s_l`, `s_h`]. Default
   * `[0.02, 0.4]`.
   */
  areaRange?: Range;
  /**
   * Smallest and largest aspect ratio height/width of the rectangle [`r_1`, `r_2`]; the low end must
   * be > 0. Default `[0.3, 1/0.3]`.
   */
  aspectRange?: Range;
  /**
   * Lowest and highest fill value [`v_l`, `v_h`]. Default `[0, 255]` (use `[0, 1]` for images
   * scaled to [0, 1]). Integer image arrays store the drawn value as they store any number
   * (`Uint8Array` truncates, `Uint8ClampedArray` rounds).
   */
  valueRange?: Range;
  /** Alias of `areaRange[0]`, the paper's `s_l`. */
  sl?: number;
  /** Alias of `areaRange[1]`, the paper's `s_h`. */
  sh?: number;
  /** Alias of `aspectRange[0]`, the paper's `r_1`. */
  r1?: number;
  /** Alias of `aspectRange[1]`, the paper's `r_2`. */
  r2?: number;
  /** Alias of `valueRange[0]`, the paper's `v_l`. */
  vl?: number;
  /** Alias of `valueRange[1]`, the paper's `v_h`. */
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

/** Every eraser setting, resolved: the descriptive ranges and, with the same values, the aliases. */
export type ErasingSettings = Required<ErasingOptions>;

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

/** The reference's defaults (the ranges and, with the same values, their aliases). */
export const ERASING_DEFAULTS: Readonly<ErasingSettings> = Object.freeze({
  p: 0.5,
  areaRange: Object.freeze([0.02, 0.4] as const),
  aspectRange: Object.freeze([0.3, 1 / 0.3] as const),
  valueRange: Object.freeze([0, 255] as const),
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

/**
 * One range from its descriptive option and its two aliases: the names returned are the ones the
 * caller used, so validation errors speak of what was written.
 */
function resolveRange(
  option: 'areaRange' | 'aspectRange' | 'valueRange',
  range: Range | undefined,
  [lowAlias, highAlias]: readonly [keyof ErasingOptions, keyof ErasingOptions],
  lowAliasValue: number | undefined,
  highAliasValue: number | undefined,
  defaults: Range,
): { low: number; high: number; lowName: string; highName: string } {
  if (range === undefined) {
    return {
      low: lowAliasValue ?? defaults[0],
      high: highAliasValue ?? defaults[1],
      lowName: lowAlias,
      highName: highAlias,
    };
  }
  if (!Array.isArray(range) || range.length !== 2) {
    throw new InvalidArgumentError({
      parameter: option,
      value: Array.isArray(range) ? `[${range.join(', ')}]` : range,
      expected: 'a [low, high] pair of numbers',
    });
  }
  const pairs = [
    [`${option}[0]`, range[0], lowAlias, lowAliasValue],
    [`${option}[1]`, range[1], highAlias, highAliasValue],
  ] as const;
  for (const [name, value, alias, aliasValue] of pairs) {
    if (aliasValue !== undefined && !Object.is(aliasValue, value)) {
      throw new ConflictingOptionsError({ option: name, optionValue: value, alias, aliasValue });
    }
  }
  return { low: range[0], high: range[1], lowName: `${option}[0]`, highName: `${option}[1]` };
}

/** @internal Validate eraser options once. */
function normalizeErasing(o: ErasingOptions = {}): NormalizedErasing {
  const d = ERASING_DEFAULTS;
  const p = finite('p', o.p ?? d.p);
  if (p < 0 || p > 1) {
    throw new InvalidArgumentError({
      parameter: 'p',
      value: p,
      expected: 'a probability in [0, 1]',
    });
  }
  const area = resolveRange('areaRange', o.areaRange, ['sl', 'sh'], o.sl, o.sh, d.areaRange);
  const sl = nonNegative(area.lowName, area.low);
  const sh = nonNegative(area.highName, area.high);
  ordered(area.lowName, sl, area.highName, sh);
  const aspect = resolveRange(
    'aspectRange',
    o.aspectRange,
    ['r1', 'r2'],
    o.r1,
    o.r2,
    d.aspectRange,
  );
  const r1 = finite(aspect.lowName, aspect.low);
  if (r1 <= 0) {
    throw new InvalidArgumentError({
      parameter: aspect.lowName,
      value: r1,
      expected: 'an aspect ratio > 0',
    });
  }
  const r2 = finite(aspect.highName, aspect.high);
  ordered(aspect.lowName, r1, aspect.highName, r2);
  const value = resolveRange('valueRange', o.valueRange, ['vl', 'vh'], o.vl, o.vh, d.valueRange);
  const vl = finite(value.lowName, value.low);
  const vh = finite(value.highName, value.high);
  ordered(value.lowName, vl, value.highName, vh);
  const maxAttempts = positiveInt('maxAttempts', o.maxAttempts ?? d.maxAttempts);
  const onExhausted = o.onExhausted ?? d.onExhausted;
  if (onExhausted !== 'throw' && onExhausted !== 'skip') {
    throw new InvalidArgumentError({
      parameter: 'onExhausted',
      value: onExhausted,
      expected: "'throw' or 'skip'",
    });
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
    throw new EraserImpossibleError({
      height: h,
      width: w,
      detail:
        `the smallest area ${n.sl}·${h}·${w} = ${s.toFixed(2)} px needs an aspect ratio in ` +
        `(${(s / ((w + 1) * (w + 1))).toFixed(4)}, ${(((h + 1) * (h + 1)) / s).toFixed(4)}), ` +
        `outside [r1, r2] = [${n.r1}, ${n.r2}]`,
    });
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
function drawBox(n: NormalizedErasing, rng: Rng, h: number, w: number, box: ErasingBox): boolean {
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
  throw new EraserExhaustedError({ attempts: n.maxAttempts });
}

/** @internal Erase in place in `buf[off ..]` (an h×w×c image). Assumes feasibility was checked. */
export function eraseInto(
  n: NormalizedErasing,
  rng: Rng,
  buf: ImageArray,
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

/** Seed of the generator an eraser uses when called without one. */
const DEFAULT_SEED = 0;

/** Options of {@link randomErasing}: the eraser's options, plus the generator and `inPlace`. */
export interface RandomErasingOptions extends ErasingOptions, EraseCallOptions {
  /**
   * The generator; default a new one seeded with 0 (each call then erases alike; pass your own to
   * get a different rectangle per call).
   */
  rng?: Rng;
}

/**
 * Randomly erase one rectangle of an H×W×C image with probability `p`, with the semantics of
 * yu4u's `get_random_eraser` (see {@link ErasingOptions}); every channel of the rectangle gets the
 * same value unless `pixelLevel`. To erase many images with the same options, validate them once
 * with {@link createRandomEraser}.
 *
 * @param image - `Float32Array`, `Uint8Array` or `Uint8ClampedArray`, row-major HWC.
 * @param shape - `[height, width, channels]`.
 * @param options - The eraser's options, `rng` and `inPlace` (see {@link RandomErasingOptions}).
 * @returns The erased image, of the input's type: `image` itself when `inPlace`, otherwise a new
 *   array (also when nothing was erased).
 * @throws {@link ShapeMismatchError}, {@link EraserImpossibleError}, {@link EraserExhaustedError},
 *   {@link ConflictingOptionsError}, and parameter errors.
 * @example
 * ```ts
 * const erased = randomErasing(image, [28, 28, 1], { p: 1, valueRange: [0, 1], rng: createRng(7) });
 * ```
 */
export function randomErasing<T extends ImageArray>(
  image: T,
  shape: ImageShape,
  options?: RandomErasingOptions,
): T;
/**
 * @deprecated Pass the generator and `inPlace` in the options object: `randomErasing(image, shape,
 * { ...options, rng, inPlace })`. This positional form goes in the next minor version.
 */
export function randomErasing<T extends ImageArray>(
  image: T,
  shape: ImageShape,
  options: ErasingOptions | undefined,
  rng: Rng | undefined,
  call?: EraseCallOptions,
): T;
export function randomErasing<T extends ImageArray>(
  image: T,
  shape: ImageShape,
  options: RandomErasingOptions = {},
  ...positional: [rng?: Rng, call?: EraseCallOptions]
): T {
  const { rng, inPlace, ...erasing } = options;
  if (positional.length > 0) {
    const [positionalRng, call = {}] = positional;
    return createRandomEraser(erasing)(image, shape, positionalRng, call);
  }
  return createRandomEraser(erasing)(image, shape, rng, { inPlace });
}

/**
 * A reusable eraser (options validated once); usable as an augmenter's preprocessing function.
 * Called without `rng`, it draws from its own generator, seeded with 0 when the eraser is created
 * (so a run is reproducible and successive calls erase different rectangles).
 */
export interface RandomEraser {
  <T extends ImageArray>(image: T, shape: ImageShape, rng?: Rng, call?: EraseCallOptions): T;
  /** The validated options: the ranges and, with the same values, their aliases. */
  readonly options: Readonly<ErasingSettings>;
  /** @internal */
  readonly normalized: NormalizedErasing;
}

/**
 * Validate the options once and return an eraser function (the counterpart of the reference's
 * `get_random_eraser(...)`, which returns `eraser(img)`).
 *
 * @example
 * ```ts
 * const eraser = createRandomEraser({ p: 0.5, valueRange: [0, 255] });
 * const erased = eraser(image, [28, 28, 1]);                // a copy, from the eraser's own seeded generator
 * const rng = createRng(1);
 * eraser(image, [28, 28, 1], rng, { inPlace: true });       // the reference's in-place form
 * ```
 */
export function createRandomEraser(options: ErasingOptions = {}): RandomEraser {
  const n = normalizeErasing(options);
  let lastH = -1;
  let lastW = -1;
  let own: Rng | undefined;
  const eraser = <T extends ImageArray>(
    image: T,
    shape: ImageShape,
    rng?: Rng,
    call: EraseCallOptions = {},
  ): T => {
    checkImage(image, shape);
    const [h, w, c] = shape;
    if (h !== lastH || w !== lastW) {
      checkErasingFeasible(n, h, w);
      lastH = h;
      lastW = w;
    }
    const out = call.inPlace === true ? image : (image.slice() as T);
    if (rng === undefined) own ??= createRng(DEFAULT_SEED);
    eraseInto(n, rng ?? (own as Rng), out, 0, h, w, c);
    return out;
  };
  const full: ErasingSettings = {
    p: n.p,
    areaRange: Object.freeze([n.sl, n.sh] as const),
    aspectRange: Object.freeze([n.r1, n.r2] as const),
    valueRange: Object.freeze([n.vl, n.vh] as const),
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
