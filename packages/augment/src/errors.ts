/**
 * Every error thrown by `@fmnist/augment` is an {@link AugmentError}; `code` is stable and safe to
 * switch on, and the message says what to change.
 */
export class AugmentError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A shape is not a list of positive integers of the expected rank. Code `INVALID_SHAPE`. */
export class InvalidShapeError extends AugmentError {
  readonly shape: readonly number[];
  constructor(shape: readonly number[], expected: string) {
    super(
      'INVALID_SHAPE',
      `Invalid shape [${shape.join(', ')}]: expected ${expected}, every entry a positive integer.`,
    );
    this.shape = shape;
  }
}

/** A buffer's length does not match the shape it was given with. Code `SHAPE_MISMATCH`. */
export class ShapeMismatchError extends AugmentError {
  readonly expectedLength: number;
  readonly actualLength: number;
  constructor(what: string, shape: readonly number[], actualLength: number) {
    const expectedLength = shape.reduce((a, b) => a * b, 1);
    super(
      'SHAPE_MISMATCH',
      `${what} has ${actualLength} elements but shape [${shape.join(', ')}] needs ` +
        `${expectedLength}. Pass the shape of the data (height, width, channels; row-major HWC).`,
    );
    this.expectedLength = expectedLength;
    this.actualLength = actualLength;
  }
}

/** A batch with no images. Code `EMPTY_BATCH`. */
export class EmptyBatchError extends AugmentError {
  constructor(what: string) {
    super('EMPTY_BATCH', `${what} is empty: pass at least one image.`);
  }
}

/** A numeric parameter is NaN or ±Infinity. Code `NON_FINITE_PARAMETER`. */
export class NonFiniteParameterError extends AugmentError {
  readonly parameter: string;
  readonly value: unknown;
  constructor(parameter: string, value: unknown) {
    super(
      'NON_FINITE_PARAMETER',
      `Parameter \`${parameter}\` must be a finite number, got ${String(value)}.`,
    );
    this.parameter = parameter;
    this.value = value;
  }
}

/**
 * A parameter is outside its allowed range (`p` outside [0, 1], `r1 <= 0`, a negative range, a
 * batch size below 1, an unknown fill mode...). Code `PARAMETER_OUT_OF_RANGE`.
 */
export class ParameterRangeError extends AugmentError {
  readonly parameter: string;
  readonly value: unknown;
  constructor(parameter: string, value: unknown, allowed: string) {
    super(
      'PARAMETER_OUT_OF_RANGE',
      `Parameter \`${parameter}\` = ${String(value)} is out of range: expected ${allowed}.`,
    );
    this.parameter = parameter;
    this.value = value;
  }
}

/** A `[low, high]` pair with low > high (`sl > sh`, `r1 > r2`, `vl > vh`...). Code `INVERTED_RANGE`. */
export class InvertedRangeError extends AugmentError {
  readonly low: string;
  readonly high: string;
  constructor(low: string, lowValue: number, high: string, highValue: number) {
    super(
      'INVERTED_RANGE',
      `\`${low}\` (${lowValue}) must not exceed \`${high}\` (${highValue}); swap them or fix one.`,
    );
    this.low = low;
    this.high = high;
  }
}

/**
 * No rectangle allowed by the eraser's area and aspect-ratio ranges fits in the image, so the
 * redraw loop could never end. Code `ERASER_IMPOSSIBLE`.
 */
export class EraserImpossibleError extends AugmentError {
  constructor(height: number, width: number, detail: string) {
    super(
      'ERASER_IMPOSSIBLE',
      `Random erasing can never fit a rectangle in a ${height}×${width} image: ${detail}. ` +
        'Lower `sl` or widen [`r1`, `r2`] towards 1.',
    );
  }
}

/**
 * The eraser drew `maxAttempts` rectangles and none fitted (parameters that are possible but very
 * unlikely to fit), and `onExhausted` is `'throw'`. Code `ERASER_EXHAUSTED`.
 */
export class EraserExhaustedError extends AugmentError {
  readonly attempts: number;
  constructor(attempts: number) {
    super(
      'ERASER_EXHAUSTED',
      `Random erasing drew ${attempts} rectangles and none fitted in the image. Lower \`sl\`/\`sh\`, ` +
        "widen [`r1`, `r2`] towards 1, raise `maxAttempts`, or pass `onExhausted: 'skip'` to leave " +
        'such images unerased.',
    );
    this.attempts = attempts;
  }
}

/** `labels` does not hold a whole number of labels per image. Code `LABEL_MISMATCH`. */
export class LabelMismatchError extends AugmentError {
  constructor(labelCount: number, imageCount: number) {
    super(
      'LABEL_MISMATCH',
      `${labelCount} label values for ${imageCount} images: expected a whole multiple ` +
        '(one value per image, or one row of k values per image, e.g. one-hot).',
    );
  }
}
