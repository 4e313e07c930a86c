/**
 * Every error class of `@fmnist/augment` (CONTRIBUTING, "Errors"): one base, {@link AugmentError},
 * whose `code` is a union to switch on; one options-object constructor per class that builds a
 * message saying what to change; `static isInstance` that also recognises errors thrown by another
 * copy of the package (a `Symbol.for` marker, not `instanceof`).
 */
const MARKER = 'fmnist.augment.error';
const SYMBOL = Symbol.for(MARKER);

/** Stable codes of every `@fmnist/augment` error: switch on `error.code`, not on the message. */
export type AugmentErrorCode =
  | 'INVALID_SHAPE'
  | 'SHAPE_MISMATCH'
  | 'EMPTY_BATCH'
  | 'NON_FINITE_PARAMETER'
  | 'INVALID_ARGUMENT'
  | 'INVERTED_RANGE'
  | 'CONFLICTING_OPTIONS'
  | 'ERASER_IMPOSSIBLE'
  | 'ERASER_EXHAUSTED'
  | 'LABEL_MISMATCH';

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/**
 * Base class of every error thrown by `@fmnist/augment`; `code` is stable and safe to switch on,
 * and the message says what to change.
 */
export class AugmentError extends Error {
  private readonly [SYMBOL] = true;
  readonly code: AugmentErrorCode;
  constructor({
    code,
    message,
    cause,
  }: {
    code: AugmentErrorCode;
    message: string;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any `@fmnist/augment` error, also one thrown by another copy of the package. */
  static isInstance(error: unknown): error is AugmentError {
    return hasMarker(error, MARKER);
  }
}

const INVALID_SHAPE = Symbol.for(`${MARKER}.InvalidShapeError`);
/** A shape is not a list of positive integers of the expected rank. Code `INVALID_SHAPE`. */
export class InvalidShapeError extends AugmentError {
  private readonly [INVALID_SHAPE] = true;
  declare readonly code: 'INVALID_SHAPE';
  readonly shape: readonly number[];
  constructor({
    shape,
    expected,
    cause,
  }: {
    shape: readonly number[];
    /** The shape wanted, e.g. `"[height, width, channels]"`. */
    expected: string;
    cause?: unknown;
  }) {
    super({
      code: 'INVALID_SHAPE',
      message: `Invalid shape [${shape.join(', ')}]: expected ${expected}, every entry a positive integer.`,
      cause,
    });
    this.shape = shape;
  }
  static override isInstance(error: unknown): error is InvalidShapeError {
    return hasMarker(error, `${MARKER}.InvalidShapeError`);
  }
}

const SHAPE_MISMATCH = Symbol.for(`${MARKER}.ShapeMismatchError`);
/** A buffer's length does not match the shape it was given with. Code `SHAPE_MISMATCH`. */
export class ShapeMismatchError extends AugmentError {
  private readonly [SHAPE_MISMATCH] = true;
  declare readonly code: 'SHAPE_MISMATCH';
  readonly expectedLength: number;
  readonly actualLength: number;
  constructor({
    what,
    shape,
    actualLength,
    cause,
  }: {
    /** The buffer, e.g. `"images"` or `"out"`. */
    what: string;
    shape: readonly number[];
    actualLength: number;
    cause?: unknown;
  }) {
    const expectedLength = shape.reduce((a, b) => a * b, 1);
    super({
      code: 'SHAPE_MISMATCH',
      message:
        `${what} has ${actualLength} elements but shape [${shape.join(', ')}] needs ` +
        `${expectedLength}. Pass the shape of the data (height, width, channels; row-major HWC).`,
      cause,
    });
    this.expectedLength = expectedLength;
    this.actualLength = actualLength;
  }
  static override isInstance(error: unknown): error is ShapeMismatchError {
    return hasMarker(error, `${MARKER}.ShapeMismatchError`);
  }
}

const EMPTY_BATCH = Symbol.for(`${MARKER}.EmptyBatchError`);
/** A batch with no images. Code `EMPTY_BATCH`. */
export class EmptyBatchError extends AugmentError {
  private readonly [EMPTY_BATCH] = true;
  declare readonly code: 'EMPTY_BATCH';
  constructor({
    what,
    cause,
  }: { /** The batch, e.g. `"images"`. */ what: string; cause?: unknown }) {
    super({ code: 'EMPTY_BATCH', message: `${what} is empty: pass at least one image.`, cause });
  }
  static override isInstance(error: unknown): error is EmptyBatchError {
    return hasMarker(error, `${MARKER}.EmptyBatchError`);
  }
}

const NON_FINITE = Symbol.for(`${MARKER}.NonFiniteParameterError`);
/** A numeric parameter is NaN or ±Infinity. Code `NON_FINITE_PARAMETER`. */
export class NonFiniteParameterError extends AugmentError {
  private readonly [NON_FINITE] = true;
  declare readonly code: 'NON_FINITE_PARAMETER';
  readonly parameter: string;
  readonly value: unknown;
  constructor({ parameter, value, cause }: { parameter: string; value: unknown; cause?: unknown }) {
    super({
      code: 'NON_FINITE_PARAMETER',
      message: `Parameter \`${parameter}\` must be a finite number, got ${String(value)}.`,
      cause,
    });
    this.parameter = parameter;
    this.value = value;
  }
  static override isInstance(error: unknown): error is NonFiniteParameterError {
    return hasMarker(error, `${MARKER}.NonFiniteParameterError`);
  }
}

const INVALID_ARGUMENT = Symbol.for(`${MARKER}.InvalidArgumentError`);
/**
 * An argument or option is outside its allowed range or of the wrong kind (`p` outside [0, 1],
 * `aspectRange[0] <= 0`, a negative range, a batch size below 1, an unknown fill mode...). Code
 * `INVALID_ARGUMENT` (before 0.1: `ParameterRangeError`, code `PARAMETER_OUT_OF_RANGE`).
 */
export class InvalidArgumentError extends AugmentError {
  private readonly [INVALID_ARGUMENT] = true;
  declare readonly code: 'INVALID_ARGUMENT';
  /** The argument or option at fault, e.g. `"p"`. */
  readonly parameter: string;
  readonly value: unknown;
  constructor({
    parameter,
    value,
    expected,
    cause,
  }: {
    parameter: string;
    value: unknown;
    /** What is allowed, e.g. `"a probability in [0, 1]"`. */
    expected: string;
    cause?: unknown;
  }) {
    super({
      code: 'INVALID_ARGUMENT',
      message: `Parameter \`${parameter}\` = ${String(value)} is out of range: expected ${expected}.`,
      cause,
    });
    this.parameter = parameter;
    this.value = value;
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, `${MARKER}.InvalidArgumentError`);
  }
}

/**
 * @deprecated Use {@link InvalidArgumentError} (code `INVALID_ARGUMENT`); this alias goes in the next
 * minor version.
 * @alias
 */
export const ParameterRangeError = InvalidArgumentError;
/** @deprecated Use {@link InvalidArgumentError}. */
export type ParameterRangeError = InvalidArgumentError;

const INVERTED_RANGE = Symbol.for(`${MARKER}.InvertedRangeError`);
/**
 * A `[low, high]` pair with low > high (`areaRange`, `aspectRange`, `valueRange`...). Code
 * `INVERTED_RANGE`.
 */
export class InvertedRangeError extends AugmentError {
  private readonly [INVERTED_RANGE] = true;
  declare readonly code: 'INVERTED_RANGE';
  readonly low: string;
  readonly high: string;
  constructor({
    low,
    lowValue,
    high,
    highValue,
    cause,
  }: {
    /** Name of the low end, e.g. "`areaRange[0]` (`sl`)". */
    low: string;
    lowValue: number;
    high: string;
    highValue: number;
    cause?: unknown;
  }) {
    super({
      code: 'INVERTED_RANGE',
      message: `\`${low}\` (${lowValue}) must not exceed \`${high}\` (${highValue}); swap them or fix one.`,
      cause,
    });
    this.low = low;
    this.high = high;
  }
  static override isInstance(error: unknown): error is InvertedRangeError {
    return hasMarker(error, `${MARKER}.InvertedRangeError`);
  }
}

const CONFLICTING = Symbol.for(`${MARKER}.ConflictingOptionsError`);
/**
 * An option was given under its descriptive name and under its alias (the paper's symbol) with
 * different values, e.g. `{ areaRange: [0.02, 0.4], sl: 0.1 }`. Code `CONFLICTING_OPTIONS`.
 */
export class ConflictingOptionsError extends AugmentError {
  private readonly [CONFLICTING] = true;
  declare readonly code: 'CONFLICTING_OPTIONS';
  /** The descriptive option, e.g. `"areaRange[0]"`. */
  readonly option: string;
  /** The alias, e.g. `"sl"`. */
  readonly alias: string;
  constructor({
    option,
    optionValue,
    alias,
    aliasValue,
    cause,
  }: {
    option: string;
    optionValue: unknown;
    alias: string;
    aliasValue: unknown;
    cause?: unknown;
  }) {
    super({
      code: 'CONFLICTING_OPTIONS',
      message:
        `\`${option}\` is ${String(optionValue)} but its alias \`${alias}\` is ` +
        `${String(aliasValue)}: give one of the two (prefer \`${option.replace(/\[\d\]$/, '')}\`).`,
      cause,
    });
    this.option = option;
    this.alias = alias;
  }
  static override isInstance(error: unknown): error is ConflictingOptionsError {
    return hasMarker(error, `${MARKER}.ConflictingOptionsError`);
  }
}

const IMPOSSIBLE = Symbol.for(`${MARKER}.EraserImpossibleError`);
/**
 * No rectangle allowed by the eraser's area and aspect-ratio ranges fits in the image, so the
 * redraw loop could never end. Code `ERASER_IMPOSSIBLE`.
 */
export class EraserImpossibleError extends AugmentError {
  private readonly [IMPOSSIBLE] = true;
  declare readonly code: 'ERASER_IMPOSSIBLE';
  constructor({
    height,
    width,
    detail,
    cause,
  }: {
    height: number;
    width: number;
    /** Why no rectangle fits. */
    detail: string;
    cause?: unknown;
  }) {
    super({
      code: 'ERASER_IMPOSSIBLE',
      message:
        `Random erasing can never fit a rectangle in a ${height}×${width} image: ${detail}. ` +
        'Lower `areaRange[0]` (`sl`) or widen `aspectRange` ([`r1`, `r2`]) towards 1.',
      cause,
    });
  }
  static override isInstance(error: unknown): error is EraserImpossibleError {
    return hasMarker(error, `${MARKER}.EraserImpossibleError`);
  }
}

const EXHAUSTED = Symbol.for(`${MARKER}.EraserExhaustedError`);
/**
 * The eraser drew `maxAttempts` rectangles and none fitted (parameters that are possible but very
 * unlikely to fit), and `onExhausted` is `'throw'`. Code `ERASER_EXHAUSTED`.
 */
export class EraserExhaustedError extends AugmentError {
  private readonly [EXHAUSTED] = true;
  declare readonly code: 'ERASER_EXHAUSTED';
  readonly attempts: number;
  constructor({ attempts, cause }: { attempts: number; cause?: unknown }) {
    super({
      code: 'ERASER_EXHAUSTED',
      message:
        `Random erasing drew ${attempts} rectangles and none fitted in the image. Lower ` +
        '`areaRange` (`sl`/`sh`), widen `aspectRange` ([`r1`, `r2`]) towards 1, raise ' +
        "`maxAttempts`, or pass `onExhausted: 'skip'` to leave such images unerased.",
      cause,
    });
    this.attempts = attempts;
  }
  static override isInstance(error: unknown): error is EraserExhaustedError {
    return hasMarker(error, `${MARKER}.EraserExhaustedError`);
  }
}

const LABEL_MISMATCH = Symbol.for(`${MARKER}.LabelMismatchError`);
/** `labels` does not hold a whole number of labels per image. Code `LABEL_MISMATCH`. */
export class LabelMismatchError extends AugmentError {
  private readonly [LABEL_MISMATCH] = true;
  declare readonly code: 'LABEL_MISMATCH';
  readonly labelCount: number;
  readonly imageCount: number;
  constructor({
    labelCount,
    imageCount,
    cause,
  }: {
    labelCount: number;
    imageCount: number;
    cause?: unknown;
  }) {
    super({
      code: 'LABEL_MISMATCH',
      message:
        `${labelCount} label values for ${imageCount} images: expected a whole multiple ` +
        '(one value per image, or one row of k values per image, e.g. one-hot).',
      cause,
    });
    this.labelCount = labelCount;
    this.imageCount = imageCount;
  }
  static override isInstance(error: unknown): error is LabelMismatchError {
    return hasMarker(error, `${MARKER}.LabelMismatchError`);
  }
}
