/**
 * Every error class of `@fmnist/knn` (CONTRIBUTING, "Errors"): one base, {@link KnnError}, whose
 * `code` is a union to switch on; one options-object constructor per class that builds a message
 * saying what to do; `static isInstance` recognising errors from another copy of the package.
 */
const MARKER = 'fmnist.knn.error';
const SYMBOL = Symbol.for(MARKER);

/** Stable codes of every `@fmnist/knn` error: switch on `error.code`. */
export type KnnErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_OPTION'
  | 'UNKNOWN_OPTION'
  | 'INVALID_K'
  | 'INVALID_INPUT'
  | 'EMPTY_TRAINING_SET'
  | 'DIMENSION_MISMATCH'
  | 'NON_FINITE_FEATURE'
  | 'FEATURE_OVERFLOW'
  | 'LABEL_LENGTH_MISMATCH'
  | 'INVALID_LABEL'
  | 'NOT_FITTED'
  | 'UNSUPPORTED_ENGINE'
  | 'INVALID_MODEL'
  | 'MEMORY_LIMIT'
  | 'WORKER_FAILED'
  | 'SKLEARN_NOT_FOUND'
  | 'SKLEARN_FAILED'
  | 'ABORTED';

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/** Base class of every error thrown by `@fmnist/knn`. */
export class KnnError extends Error {
  private readonly [SYMBOL] = true;
  readonly code: KnnErrorCode;
  constructor({ code, message, cause }: { code: KnnErrorCode; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any `@fmnist/knn` error, also one thrown by another copy of the package. */
  static isInstance(error: unknown): error is KnnError {
    return hasMarker(error, MARKER);
  }
}

const INVALID_ARGUMENT = Symbol.for(`${MARKER}.InvalidArgumentError`);
/** A function argument is of the wrong kind or out of range. Code `INVALID_ARGUMENT`. */
export class InvalidArgumentError extends KnnError {
  private readonly [INVALID_ARGUMENT] = true;
  declare readonly code: 'INVALID_ARGUMENT';
  readonly argument: string;
  constructor({
    argument,
    message,
    cause,
  }: { argument: string; message: string; cause?: unknown }) {
    super({ code: 'INVALID_ARGUMENT', message: `Invalid ${argument}: ${message}`, cause });
    this.argument = argument;
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, `${MARKER}.InvalidArgumentError`);
  }
}

const INVALID_OPTION = Symbol.for(`${MARKER}.InvalidOptionError`);
/** An option has a value out of range or of the wrong kind. Code `INVALID_OPTION`. */
export class InvalidOptionError extends KnnError {
  private readonly [INVALID_OPTION] = true;
  declare readonly code: 'INVALID_OPTION';
  readonly option: string;
  readonly value: unknown;
  constructor({
    option,
    value,
    expected,
    suggestion,
    cause,
  }: {
    option: string;
    value: unknown;
    /** What the option accepts, e.g. "one of euclidean, manhattan" or "an integer ≥ 1". */
    expected: string;
    /** A close valid value ("did you mean"), if any. */
    suggestion?: string;
    cause?: unknown;
  }) {
    super({
      code: 'INVALID_OPTION',
      message:
        `${option} must be ${expected}; got ${describeValue(value)}.` +
        (suggestion === undefined ? '' : ` Did you mean ${JSON.stringify(suggestion)}?`),
      cause,
    });
    this.option = option;
    this.value = value;
  }
  static override isInstance(error: unknown): error is InvalidOptionError {
    return hasMarker(error, `${MARKER}.InvalidOptionError`);
  }
}

const UNKNOWN_OPTION = Symbol.for(`${MARKER}.UnknownOptionError`);
/** An options object has a key this package does not know (a typo, another library's name). Code `UNKNOWN_OPTION`. */
export class UnknownOptionError extends KnnError {
  private readonly [UNKNOWN_OPTION] = true;
  declare readonly code: 'UNKNOWN_OPTION';
  readonly option: string;
  readonly suggestion: string | undefined;
  constructor({
    option,
    where,
    known,
    suggestion,
    cause,
  }: {
    option: string;
    /** The options' owner, e.g. "KNeighborsClassifier". */
    where: string;
    known: readonly string[];
    suggestion?: string;
    cause?: unknown;
  }) {
    super({
      code: 'UNKNOWN_OPTION',
      message:
        `${where} has no option ${JSON.stringify(option)}.` +
        (suggestion === undefined ? '' : ` Did you mean ${JSON.stringify(suggestion)}?`) +
        ` Known options: ${known.join(', ')}.`,
      cause,
    });
    this.option = option;
    this.suggestion = suggestion;
  }
  static override isInstance(error: unknown): error is UnknownOptionError {
    return hasMarker(error, `${MARKER}.UnknownOptionError`);
  }
}

const INVALID_K = Symbol.for(`${MARKER}.InvalidKError`);
/** `k` is below 1, not an integer, or larger than the training set. Code `INVALID_K`. */
export class InvalidKError extends KnnError {
  private readonly [INVALID_K] = true;
  declare readonly code: 'INVALID_K';
  readonly k: number;
  readonly trainingRows: number | undefined;
  constructor({ k, trainingRows, cause }: { k: unknown; trainingRows?: number; cause?: unknown }) {
    super({
      code: 'INVALID_K',
      message:
        trainingRows === undefined
          ? `k must be an integer ≥ 1, got ${describeValue(k)}. Pass e.g. { k: 5 }.`
          : `k must be an integer between 1 and the number of training rows (${trainingRows}), got ${describeValue(k)}. ` +
            'Use a smaller k or fit on more rows.',
      cause,
    });
    this.k = k as number;
    this.trainingRows = trainingRows;
  }
  static override isInstance(error: unknown): error is InvalidKError {
    return hasMarker(error, `${MARKER}.InvalidKError`);
  }
}

const INVALID_INPUT = Symbol.for(`${MARKER}.InvalidInputError`);
/** The matrix given is not a 2-D matrix of numbers, or its data disagrees with its shape. Code `INVALID_INPUT`. */
export class InvalidInputError extends KnnError {
  private readonly [INVALID_INPUT] = true;
  declare readonly code: 'INVALID_INPUT';
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ code: 'INVALID_INPUT', message, cause });
  }
  static override isInstance(error: unknown): error is InvalidInputError {
    return hasMarker(error, `${MARKER}.InvalidInputError`);
  }
}

const EMPTY = Symbol.for(`${MARKER}.EmptyTrainingSetError`);
/** fit() was given no rows (or no columns). Code `EMPTY_TRAINING_SET`. */
export class EmptyTrainingSetError extends KnnError {
  private readonly [EMPTY] = true;
  declare readonly code: 'EMPTY_TRAINING_SET';
  readonly shape: readonly [number, number];
  constructor({ shape, cause }: { shape: readonly [number, number]; cause?: unknown }) {
    super({
      code: 'EMPTY_TRAINING_SET',
      message: `The training set is empty (shape [${shape[0]}, ${shape[1]}]). Fit on at least one row of at least one feature.`,
      cause,
    });
    this.shape = shape;
  }
  static override isInstance(error: unknown): error is EmptyTrainingSetError {
    return hasMarker(error, `${MARKER}.EmptyTrainingSetError`);
  }
}

const DIMENSION = Symbol.for(`${MARKER}.DimensionMismatchError`);
/** Queries have a different number of features than the training rows. Code `DIMENSION_MISMATCH`. */
export class DimensionMismatchError extends KnnError {
  private readonly [DIMENSION] = true;
  declare readonly code: 'DIMENSION_MISMATCH';
  readonly expected: number;
  readonly actual: number;
  constructor({ expected, actual, cause }: { expected: number; actual: number; cause?: unknown }) {
    super({
      code: 'DIMENSION_MISMATCH',
      message:
        `The model was fitted on rows of ${expected} features but got rows of ${actual}. ` +
        'Give queries the same features, in the same order, as the training rows.',
      cause,
    });
    this.expected = expected;
    this.actual = actual;
  }
  static override isInstance(error: unknown): error is DimensionMismatchError {
    return hasMarker(error, `${MARKER}.DimensionMismatchError`);
  }
}

/** @internal Where a bad feature value is: which matrix, row and column, and the value. */
interface FeatureValueFacts {
  where: 'training' | 'query';
  row: number;
  column: number;
  value: number;
  cause?: unknown;
}

/**
 * @internal What {@link NonFiniteFeatureError} and {@link FeatureOverflowError} share: the place
 * and value of the feature at fault. Not exported from the package.
 */
abstract class FeatureValueError extends KnnError {
  declare readonly code: 'NON_FINITE_FEATURE' | 'FEATURE_OVERFLOW';
  readonly where: 'training' | 'query';
  readonly row: number;
  readonly column: number;
  readonly value: number;
  constructor(
    code: 'NON_FINITE_FEATURE' | 'FEATURE_OVERFLOW',
    fix: string,
    { where, row, column, value, cause }: FeatureValueFacts,
  ) {
    super({
      code,
      message: `The ${where} matrix holds ${value} at row ${row}, column ${column}${fix}`,
      cause,
    });
    this.where = where;
    this.row = row;
    this.column = column;
    this.value = value;
  }
}

const NON_FINITE = Symbol.for(`${MARKER}.NonFiniteFeatureError`);
/** A feature is NaN or ±Infinity. Code `NON_FINITE_FEATURE`. */
export class NonFiniteFeatureError extends FeatureValueError {
  private readonly [NON_FINITE] = true;
  declare readonly code: 'NON_FINITE_FEATURE';
  constructor(facts: FeatureValueFacts) {
    super(
      'NON_FINITE_FEATURE',
      '. Distances need finite features: impute or drop missing values first.',
      facts,
    );
  }
  static override isInstance(error: unknown): error is NonFiniteFeatureError {
    return hasMarker(error, `${MARKER}.NonFiniteFeatureError`);
  }
}

const OVERFLOW = Symbol.for(`${MARKER}.FeatureOverflowError`);
/** A finite feature is too large for float32 (|x| > 3.4e38), the precision rows are stored in. Code `FEATURE_OVERFLOW`. */
export class FeatureOverflowError extends FeatureValueError {
  private readonly [OVERFLOW] = true;
  declare readonly code: 'FEATURE_OVERFLOW';
  constructor(facts: FeatureValueFacts) {
    super(
      'FEATURE_OVERFLOW',
      ", beyond float32's range (±3.4e38) in which rows are stored. Rescale the features (e.g. standardise them) first.",
      facts,
    );
  }
  static override isInstance(error: unknown): error is FeatureOverflowError {
    return hasMarker(error, `${MARKER}.FeatureOverflowError`);
  }
}

const LABEL_LENGTH = Symbol.for(`${MARKER}.LabelLengthError`);
/** The labels do not have one entry per row. Code `LABEL_LENGTH_MISMATCH`. */
export class LabelLengthError extends KnnError {
  private readonly [LABEL_LENGTH] = true;
  declare readonly code: 'LABEL_LENGTH_MISMATCH';
  readonly expected: number;
  readonly actual: number;
  constructor({ expected, actual, cause }: { expected: number; actual: number; cause?: unknown }) {
    super({
      code: 'LABEL_LENGTH_MISMATCH',
      message: `Got ${actual} labels for ${expected} rows; give exactly one label per row.`,
      cause,
    });
    this.expected = expected;
    this.actual = actual;
  }
  static override isInstance(error: unknown): error is LabelLengthError {
    return hasMarker(error, `${MARKER}.LabelLengthError`);
  }
}

const INVALID_LABEL = Symbol.for(`${MARKER}.InvalidLabelError`);
/** A label is not an integer (a JavaScript number) in the int32 range. Code `INVALID_LABEL`. */
export class InvalidLabelError extends KnnError {
  private readonly [INVALID_LABEL] = true;
  declare readonly code: 'INVALID_LABEL';
  readonly index: number;
  readonly value: unknown;
  constructor({ index, value, cause }: { index: number; value: unknown; cause?: unknown }) {
    super({
      code: 'INVALID_LABEL',
      message:
        `Label ${index} is ${describeValue(value)}; labels must be integer numbers between -2^31 and 2^31-1. ` +
        'Map string, bigint or float classes to integer ids first (e.g. labels.map(Number) for numeric strings).',
      cause,
    });
    this.index = index;
    this.value = value;
  }
  static override isInstance(error: unknown): error is InvalidLabelError {
    return hasMarker(error, `${MARKER}.InvalidLabelError`);
  }
}

const NOT_FITTED = Symbol.for(`${MARKER}.NotFittedError`);
/** predict / kneighbors / score was called before fit(). Code `NOT_FITTED`. */
export class NotFittedError extends KnnError {
  private readonly [NOT_FITTED] = true;
  declare readonly code: 'NOT_FITTED';
  readonly method: string;
  constructor({ method, cause }: { method: string; cause?: unknown }) {
    super({
      code: 'NOT_FITTED',
      message: `${method}() needs a fitted model: call fit(X, y) first (or fromJSON()).`,
      cause,
    });
    this.method = method;
  }
  static override isInstance(error: unknown): error is NotFittedError {
    return hasMarker(error, `${MARKER}.NotFittedError`);
  }
}

const UNSUPPORTED = Symbol.for(`${MARKER}.UnsupportedEngineError`);
/** The requested engine cannot run here (no WebAssembly SIMD, no tfjs, the metric). Code `UNSUPPORTED_ENGINE`. */
export class UnsupportedEngineError extends KnnError {
  private readonly [UNSUPPORTED] = true;
  declare readonly code: 'UNSUPPORTED_ENGINE';
  readonly engine: string;
  constructor({ engine, reason, cause }: { engine: string; reason: string; cause?: unknown }) {
    super({
      code: 'UNSUPPORTED_ENGINE',
      message: `Engine '${engine}' cannot run: ${reason}`,
      cause,
    });
    this.engine = engine;
  }
  static override isInstance(error: unknown): error is UnsupportedEngineError {
    return hasMarker(error, `${MARKER}.UnsupportedEngineError`);
  }
}

const INVALID_MODEL = Symbol.for(`${MARKER}.InvalidModelError`);
/** fromJSON() was given something that is not a serialised model of a known version. Code `INVALID_MODEL`. */
export class InvalidModelError extends KnnError {
  private readonly [INVALID_MODEL] = true;
  declare readonly code: 'INVALID_MODEL';
  constructor({ problem, cause }: { problem: string; cause?: unknown }) {
    super({
      code: 'INVALID_MODEL',
      message: `${problem} Pass what toJSON() returned (or its JSON.parse), unchanged.`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is InvalidModelError {
    return hasMarker(error, `${MARKER}.InvalidModelError`);
  }
}

const MEMORY_LIMIT = Symbol.for(`${MARKER}.MemoryLimitError`);
/** The WebAssembly memory (at most 4 GiB) cannot hold what the search needs. Code `MEMORY_LIMIT`. */
export class MemoryLimitError extends KnnError {
  private readonly [MEMORY_LIMIT] = true;
  declare readonly code: 'MEMORY_LIMIT';
  readonly bytes: number;
  constructor({ bytes, cause }: { bytes: number; cause?: unknown }) {
    super({
      code: 'MEMORY_LIMIT',
      message:
        `@fmnist/knn needs ${bytes} bytes of WebAssembly memory, more than the 4 GiB it can address ` +
        '(or than the host grants); lower memoryBudgetBytes or fit on fewer training rows.',
      cause,
    });
    this.bytes = bytes;
  }
  static override isInstance(error: unknown): error is MemoryLimitError {
    return hasMarker(error, `${MARKER}.MemoryLimitError`);
  }
}

const WORKER_FAILED = Symbol.for(`${MARKER}.WorkerFailedError`);
/** A worker thread failed (its kernel trapped, or the thread died). Code `WORKER_FAILED`. */
export class WorkerFailedError extends KnnError {
  private readonly [WORKER_FAILED] = true;
  declare readonly code: 'WORKER_FAILED';
  readonly detail: string;
  constructor({ detail, cause }: { detail: string; cause?: unknown }) {
    super({
      code: 'WORKER_FAILED',
      message: `A search thread failed: ${detail}. Retry with { threads: 1 }; if that fails too, report it with your data's shape.`,
      cause,
    });
    this.detail = detail;
  }
  static override isInstance(error: unknown): error is WorkerFailedError {
    return hasMarker(error, `${MARKER}.WorkerFailedError`);
  }
}

const SKLEARN_NOT_FOUND = Symbol.for(`${MARKER}.SklearnNotFoundError`);
/**
 * `@fmnist/knn/sklearn` found no Python with scikit-learn and NumPy among those it tried. Code
 * `SKLEARN_NOT_FOUND`.
 */
export class SklearnNotFoundError extends KnnError {
  private readonly [SKLEARN_NOT_FOUND] = true;
  declare readonly code: 'SKLEARN_NOT_FOUND';
  /** What happened with each Python tried, e.g. `"python3 not found"`, `"/usr/bin/python3 has no scikit-learn"`. */
  readonly tried: readonly string[];
  constructor({ tried, cause }: { tried: readonly string[]; cause?: unknown }) {
    super({
      code: 'SKLEARN_NOT_FOUND',
      message:
        `No Python with scikit-learn (${tried.join('; ') || 'none tried'}): apt-get install python3-sklearn, ` +
        'or set FMNIST_PYTHON to a Python that has scikit-learn and NumPy (pip install scikit-learn numpy).',
      cause,
    });
    this.tried = tried;
  }
  static override isInstance(error: unknown): error is SklearnNotFoundError {
    return hasMarker(error, `${MARKER}.SklearnNotFoundError`);
  }
}

const SKLEARN_FAILED = Symbol.for(`${MARKER}.SklearnFailedError`);
/** scikit-learn's run failed in the Python that has it (a crash, bad arrays). Code `SKLEARN_FAILED`. */
export class SklearnFailedError extends KnnError {
  private readonly [SKLEARN_FAILED] = true;
  declare readonly code: 'SKLEARN_FAILED';
  readonly python: string;
  /** The last line Python wrote to stderr (its exception), or the exit status. */
  readonly detail: string;
  constructor({ python, detail, cause }: { python: string; detail: string; cause?: unknown }) {
    super({
      code: 'SKLEARN_FAILED',
      message: `scikit-learn failed under ${python}: ${detail}. Run that Python by hand on the same arrays to see the whole error.`,
      cause,
    });
    this.python = python;
    this.detail = detail;
  }
  static override isInstance(error: unknown): error is SklearnFailedError {
    return hasMarker(error, `${MARKER}.SklearnFailedError`);
  }
}

const ABORTED = Symbol.for(`${MARKER}.AbortedError`);
/** The work was stopped through its AbortSignal; `cause` is the signal's reason. Code `ABORTED`. */
export class AbortedError extends KnnError {
  private readonly [ABORTED] = true;
  declare readonly code: 'ABORTED';
  constructor({ cause }: { cause?: unknown } = {}) {
    super({
      code: 'ABORTED',
      message: 'The operation was aborted through its AbortSignal; call it again to redo it.',
      cause,
    });
  }
  static override isInstance(error: unknown): error is AbortedError {
    return hasMarker(error, `${MARKER}.AbortedError`);
  }
}

/** A short description of a value for messages: its type and, for primitives, the value. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  return `a ${typeof v}`;
}
