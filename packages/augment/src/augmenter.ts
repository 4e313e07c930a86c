import { type AffineParams, affineMatrix, warpInto } from './affine.js';
import {
  checkErasingFeasible,
  eraseInto,
  isRandomEraser,
  type NormalizedErasing,
} from './erasing.js';
import { InvalidArgumentError, ShapeMismatchError } from './errors.js';
import {
  type AffineOptions,
  drawAffine,
  type NormalizedAffine,
  normalizeAffine,
} from './random-affine.js';
import { createRng, type Rng } from './rng.js';
import {
  type BatchShape,
  checkBatch,
  checkImage,
  type ImageArray,
  type ImageShape,
} from './validate.js';

/**
 * A function run on each image after the affine transform, as Keras' `preprocessing_function`.
 * It may change `image` in place or return a new array of the same length.
 */
export type PreprocessingFunction = (
  image: Float32Array,
  shape: ImageShape,
  rng: Rng,
) => PreprocessingResult;

/** What a preprocessing function returns: a new image, or nothing after editing in place. */
// biome-ignore lint/suspicious/noConfusingVoidType: functions that edit in place return nothing
type PreprocessingResult = Float32Array | void;

/** Options of {@link createAugmenter}: Keras' random-transform options plus the preprocessing function. */
export interface AugmenterOptions extends AffineOptions {
  /**
   * Run on each image after the transform, e.g. `createRandomEraser()`. An eraser made by
   * {@link createRandomEraser} runs on an allocation-free fast path.
   */
  preprocessingFunction?: PreprocessingFunction;
}

/** Options of the augmentation calls. */
export interface AugmentCallOptions {
  /** Write here instead of a new array (same length as the input, not the input itself). */
  out?: Float32Array;
}

/** Applies random Keras transforms, then the preprocessing function, to images. */
export interface Augmenter {
  /** The validated options. */
  readonly options: Readonly<AugmenterOptions>;
  /** Draw one set of transform parameters (advances `rng`). */
  randomParams(rng: Rng, height: number, width: number): Required<AffineParams>;
  /**
   * Augment one H×W×C image (`Float32Array`, `Uint8Array` or `Uint8ClampedArray`); the result is
   * float32. Without `rng`, draws from the augmenter's own generator, seeded with 0 when the
   * augmenter is created.
   */
  augment(image: ImageArray, shape: ImageShape, rng?: Rng, call?: AugmentCallOptions): Float32Array;
  /**
   * Augment a batch, image by image in order (each image draws its transform, then runs the
   * preprocessing function, from `rng`; without one, from the augmenter's own seeded generator).
   */
  augmentBatch(
    images: ImageArray,
    shape: BatchShape,
    rng?: Rng,
    call?: AugmentCallOptions,
  ): Float32Array;
}

class AugmenterImpl implements Augmenter {
  private readonly affine: NormalizedAffine;
  private readonly eraser: NormalizedErasing | null;
  private readonly fn: PreprocessingFunction | null;
  private readonly params: AffineParams = {};
  private readonly matrix = new Float64Array(6);
  private feasibleH = -1;
  private feasibleW = -1;
  private own: Rng | undefined;

  constructor(readonly options: Readonly<AugmenterOptions>) {
    this.affine = normalizeAffine(options);
    const pre = options.preprocessingFunction;
    if (pre !== undefined && typeof pre !== 'function') {
      throw new InvalidArgumentError({
        parameter: 'preprocessingFunction',
        value: pre,
        expected: 'a function',
      });
    }
    this.eraser = isRandomEraser(pre) ? pre.normalized : null;
    this.fn = pre && !this.eraser ? (pre as PreprocessingFunction) : null;
  }

  randomParams(rng: Rng, height: number, width: number): Required<AffineParams> {
    return drawAffine(this.affine, rng, height, width, {}) as Required<AffineParams>;
  }

  /** The generator used when a call passes none: seeded with 0, made on first use. */
  private defaultRng(): Rng {
    this.own ??= createRng(0);
    return this.own;
  }

  augment(
    image: ImageArray,
    shape: ImageShape,
    rng: Rng = this.defaultRng(),
    call: AugmentCallOptions = {},
  ): Float32Array {
    checkImage(image, shape);
    const out = this.output(image, call.out, shape);
    this.run(image, out, 1, shape[0], shape[1], shape[2], rng);
    return out;
  }

  augmentBatch(
    images: ImageArray,
    shape: BatchShape,
    rng: Rng = this.defaultRng(),
    call: AugmentCallOptions = {},
  ): Float32Array {
    checkBatch(images, shape);
    const out = this.output(images, call.out, shape);
    this.run(images, out, shape[0], shape[1], shape[2], shape[3], rng);
    return out;
  }

  private output(
    src: ImageArray,
    out: Float32Array | undefined,
    shape: readonly number[],
  ): Float32Array {
    if (out === undefined) return new Float32Array(src.length);
    if (out === src) {
      throw new InvalidArgumentError({
        parameter: 'out',
        value: 'the input array',
        expected: 'a different array (warps cannot run in place)',
      });
    }
    if (out.length !== src.length)
      throw new ShapeMismatchError({ what: 'out', shape, actualLength: out.length });
    return out;
  }

  /** The hot loop: per image, draw → matrix → warp → erase; no allocation with an eraser. */
  private run(
    src: ImageArray,
    dst: Float32Array,
    n: number,
    h: number,
    w: number,
    c: number,
    rng: Rng,
  ): void {
    const a = this.affine;
    const p = this.params;
    const m = this.matrix;
    const size = h * w * c;
    if (this.eraser && (h !== this.feasibleH || w !== this.feasibleW)) {
      checkErasingFeasible(this.eraser, h, w);
      this.feasibleH = h;
      this.feasibleW = w;
    }
    for (let i = 0; i < n; i++) {
      const off = i * size;
      drawAffine(a, rng, h, w, p);
      affineMatrix(p, h, w, m);
      warpInto(src, off, dst, off, h, w, c, m, a.mode, a.cval, p.flipHorizontal === true);
      if (this.eraser) {
        eraseInto(this.eraser, rng, dst, off, h, w, c);
      } else if (this.fn) {
        const view = dst.subarray(off, off + size);
        const r = this.fn(view, [h, w, c], rng);
        if (r && r !== view) {
          if (r.length !== size) {
            throw new InvalidArgumentError({
              parameter: 'preprocessingFunction',
              value: `a result of length ${r.length}`,
              expected: `an array of length ${size} (or nothing, after editing in place)`,
            });
          }
          dst.set(r, off);
        }
      }
    }
  }
}

/**
 * Create an augmenter with Keras' `ImageDataGenerator` semantics: for each image, draw a random
 * transform (see {@link AffineOptions}), apply it (bilinear, `fillMode`), flip if drawn, then run
 * the preprocessing function (e.g. the random eraser), in that order.
 *
 * @throws Parameter errors for bad options.
 * @example
 * ```ts
 * const augmenter = createAugmenter({
 *   rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.1,
 *   horizontalFlip: true, preprocessingFunction: createRandomEraser({ vh: 1 }),
 * });
 * const batch = augmenter.augmentBatch(images, [n, 28, 28, 1], createRng(42));
 * ```
 */
export function createAugmenter(options: AugmenterOptions = {}): Augmenter {
  return new AugmenterImpl(Object.freeze({ ...options }));
}
