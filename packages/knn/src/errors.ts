/** Base class of every error thrown by `@fmnist/knn`. `code` is stable and safe to switch on. */
export class KnnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option is out of range or of the wrong kind (unknown metric, negative budget...). */
export class InvalidOptionError extends KnnError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('INVALID_OPTION', message);
    this.option = option;
  }
}

/** `k` is below 1, not an integer, or larger than the number of training rows. */
export class InvalidKError extends KnnError {
  readonly k: number;
  readonly trainingRows: number | undefined;
  constructor(k: number, trainingRows?: number) {
    super(
      'INVALID_K',
      trainingRows === undefined
        ? `k must be an integer ≥ 1, got ${k}.`
        : `k must be an integer between 1 and the number of training rows (${trainingRows}), got ${k}. ` +
            'Use a smaller k or fit on more rows.',
    );
    this.k = k;
    this.trainingRows = trainingRows;
  }
}

/** The matrix given is not a 2-D matrix, or its data length disagrees with its shape. */
export class InvalidInputError extends KnnError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** fit() was given no rows (or no columns). */
export class EmptyTrainingSetError extends KnnError {
  constructor(shape: readonly [number, number]) {
    super(
      'EMPTY_TRAINING_SET',
      `The training set is empty (shape [${shape[0]}, ${shape[1]}]). Fit on at least one row of at least one feature.`,
    );
  }
}

/** Queries have a different number of features than the training rows. */
export class DimensionMismatchError extends KnnError {
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super(
      'DIMENSION_MISMATCH',
      `The model was fitted on rows of ${expected} features but got rows of ${actual}. ` +
        'Give queries the same features, in the same order, as the training rows.',
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** A feature is NaN or ±Infinity. */
export class NonFiniteFeatureError extends KnnError {
  readonly row: number;
  readonly column: number;
  readonly value: number;
  constructor(where: 'training' | 'query', row: number, column: number, value: number) {
    super(
      'NON_FINITE_FEATURE',
      `The ${where} matrix holds ${value} at row ${row}, column ${column}. ` +
        'Distances need finite features: impute or drop missing values first.',
    );
    this.row = row;
    this.column = column;
    this.value = value;
  }
}

/** The labels do not have one entry per training row. */
export class LabelLengthError extends KnnError {
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super(
      'LABEL_LENGTH_MISMATCH',
      `Got ${actual} labels for ${expected} training rows; give exactly one label per row.`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** A label is not an integer in the int32 range. */
export class InvalidLabelError extends KnnError {
  readonly index: number;
  readonly value: unknown;
  constructor(index: number, value: unknown) {
    super(
      'INVALID_LABEL',
      `Label ${index} is ${String(value)}; labels must be integers between -2^31 and 2^31-1. ` +
        'Map string or float classes to integer ids first.',
    );
    this.index = index;
    this.value = value;
  }
}

/** predict / kneighbors / score was called before fit(). */
export class NotFittedError extends KnnError {
  constructor(method: string) {
    super('NOT_FITTED', `${method}() needs a fitted model: call fit(X, y) first (or fromJSON()).`);
  }
}

/** The requested engine cannot run here (no WebAssembly SIMD, or the metric is not supported). */
export class UnsupportedEngineError extends KnnError {
  readonly engine: string;
  constructor(engine: string, reason: string) {
    super('UNSUPPORTED_ENGINE', `Engine '${engine}' cannot run: ${reason}`);
    this.engine = engine;
  }
}

/** The prediction was stopped through its AbortSignal. `cause` is the signal's reason. */
export class AbortedError extends KnnError {
  constructor(reason?: unknown) {
    super('ABORTED', 'The operation was aborted.', { cause: reason });
  }
}

/** fromJSON() was given something that is not a serialised model of a known version. */
export class InvalidModelError extends KnnError {
  constructor(message: string) {
    super('INVALID_MODEL', message);
  }
}
