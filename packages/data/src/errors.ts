/**
 * Every error class of `@fmnist/data` (CONTRIBUTING, "Errors"): one base, {@link FmnistDataError},
 * whose `code` is a union to switch on; one options-object constructor per class that builds a
 * message saying what to do; `static isInstance` that also recognises errors thrown by another copy
 * of the package (a `Symbol.for` marker, not `instanceof`).
 */
const MARKER = 'fmnist.data.error';
const SYMBOL = Symbol.for(MARKER);

/** Stable codes of every `@fmnist/data` error: switch on `error.code`, not on the message. */
export type FmnistDataErrorCode =
  | 'IDX_FORMAT'
  | 'IDX_SIZE_MISMATCH'
  | 'GZIP_CORRUPT'
  | 'GZIP_TOO_LARGE'
  | 'BAD_SHAPE'
  | 'COUNT_MISMATCH'
  | 'DATASET_NOT_FOUND'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'ABORTED'
  | 'INVALID_ARGUMENT';

/** @internal */
function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
  );
}

/** Base class of every error thrown by `@fmnist/data`. `code` is stable and safe to switch on. */
export class FmnistDataError extends Error {
  private readonly [SYMBOL] = true;
  readonly code: FmnistDataErrorCode;
  constructor({
    code,
    message,
    cause,
  }: {
    code: FmnistDataErrorCode;
    message: string;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }
  /** True for any `@fmnist/data` error, also one thrown by another copy of the package. */
  static isInstance(error: unknown): error is FmnistDataError {
    return hasMarker(error, MARKER);
  }
}

const IDX_FORMAT = Symbol.for(`${MARKER}.IdxFormatError`);
/** The bytes are not an IDX file (bad magic, unknown element type, zero dimensions...). Code `IDX_FORMAT`. */
export class IdxFormatError extends FmnistDataError {
  private readonly [IDX_FORMAT] = true;
  declare readonly code: 'IDX_FORMAT';
  constructor({
    reason,
    cause,
  }: { /** What is wrong, and what to do. */ reason: string; cause?: unknown }) {
    super({ code: 'IDX_FORMAT', message: reason, cause });
  }
  static override isInstance(error: unknown): error is IdxFormatError {
    return hasMarker(error, `${MARKER}.IdxFormatError`);
  }
}

const IDX_SIZE = Symbol.for(`${MARKER}.IdxSizeMismatchError`);
/** The IDX header promises more (or fewer) bytes than the file holds. Code `IDX_SIZE_MISMATCH`. */
export class IdxSizeMismatchError extends FmnistDataError {
  private readonly [IDX_SIZE] = true;
  declare readonly code: 'IDX_SIZE_MISMATCH';
  /** Bytes the header asks for (may exceed `Number.MAX_SAFE_INTEGER` for absurd headers). */
  readonly expectedBytes: number;
  readonly actualBytes: number;
  constructor({
    what,
    expectedBytes,
    actualBytes,
    cause,
  }: {
    /** What needs `expectedBytes`: `"the header (3 dimensions)"`, `"[60000×28×28] uint8"`. */
    what: string;
    expectedBytes: number | bigint;
    actualBytes: number;
    cause?: unknown;
  }) {
    const expected = BigInt(expectedBytes);
    const actual = BigInt(actualBytes);
    super({
      code: 'IDX_SIZE_MISMATCH',
      message:
        expected > actual
          ? `Truncated IDX file: ${what} needs ${expected} bytes, the file has ${actual}. ` +
            'Delete the file and fetch it again.'
          : `IDX file has ${actual - expected} bytes of trailing data after ${what} ` +
            `(${expected} bytes expected). Delete the file and fetch it again.`,
      cause,
    });
    this.expectedBytes = Number(expectedBytes);
    this.actualBytes = actualBytes;
  }
  static override isInstance(error: unknown): error is IdxSizeMismatchError {
    return hasMarker(error, `${MARKER}.IdxSizeMismatchError`);
  }
}

const GZIP = Symbol.for(`${MARKER}.GzipError`);
/**
 * The bytes start with the gzip magic number but do not decompress: corrupt or truncated
 * (`GZIP_CORRUPT`), or larger once decompressed than the `maxOutputBytes` limit (`GZIP_TOO_LARGE`).
 */
export class GzipError extends FmnistDataError {
  private readonly [GZIP] = true;
  declare readonly code: 'GZIP_CORRUPT' | 'GZIP_TOO_LARGE';
  /** The `maxOutputBytes` limit that was exceeded (`GZIP_TOO_LARGE` only). */
  readonly maxOutputBytes: number | undefined;
  constructor({
    maxOutputBytes,
    cause,
  }: {
    /** Set when the output exceeded this limit (code `GZIP_TOO_LARGE`); absent: corrupt data. */
    maxOutputBytes?: number;
    /** zlib's error. */
    cause?: unknown;
  }) {
    super(
      maxOutputBytes === undefined
        ? {
            code: 'GZIP_CORRUPT',
            message:
              `Corrupt or truncated gzip data (${describe(cause)}). ` +
              'Delete the file and fetch it again.',
            cause,
          }
        : {
            code: 'GZIP_TOO_LARGE',
            message:
              `gzip data decompresses to more than ${maxOutputBytes} bytes (the maxOutputBytes ` +
              'limit). Raise the limit if the file is genuine; otherwise it is corrupt.',
            cause,
          },
    );
    this.maxOutputBytes = maxOutputBytes;
  }
  static override isInstance(error: unknown): error is GzipError {
    return hasMarker(error, `${MARKER}.GzipError`);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

const SHAPE = Symbol.for(`${MARKER}.ShapeError`);
/** A well-formed IDX file or array whose shape or element type is not the one required. Code `BAD_SHAPE`. */
export class ShapeError extends FmnistDataError {
  private readonly [SHAPE] = true;
  declare readonly code: 'BAD_SHAPE';
  constructor({
    reason,
    cause,
  }: { /** What is wrong, and what to do. */ reason: string; cause?: unknown }) {
    super({ code: 'BAD_SHAPE', message: reason, cause });
  }
  static override isInstance(error: unknown): error is ShapeError {
    return hasMarker(error, `${MARKER}.ShapeError`);
  }
}

const COUNT = Symbol.for(`${MARKER}.CountMismatchError`);
/** The images file and the labels file of a split hold different numbers of items. Code `COUNT_MISMATCH`. */
export class CountMismatchError extends FmnistDataError {
  private readonly [COUNT] = true;
  declare readonly code: 'COUNT_MISMATCH';
  readonly images: number;
  readonly labels: number;
  constructor({
    images,
    labels,
    imagesName = 'images',
    labelsName = 'labels',
    cause,
  }: {
    images: number;
    labels: number;
    /** The images file (or array) named in the message. */
    imagesName?: string;
    labelsName?: string;
    cause?: unknown;
  }) {
    super({
      code: 'COUNT_MISMATCH',
      message:
        `${imagesName} holds ${images} images but ${labelsName} holds ${labels} labels: ` +
        'the two files come from different splits or versions; use the images and labels files ' +
        'of one split of one release.',
      cause,
    });
    this.images = images;
    this.labels = labels;
  }
  static override isInstance(error: unknown): error is CountMismatchError {
    return hasMarker(error, `${MARKER}.CountMismatchError`);
  }
}

const NOT_FOUND = Symbol.for(`${MARKER}.DatasetNotFoundError`);
/** No copy of the dataset could be found and downloading was not allowed. Code `DATASET_NOT_FOUND`. */
export class DatasetNotFoundError extends FmnistDataError {
  private readonly [NOT_FOUND] = true;
  declare readonly code: 'DATASET_NOT_FOUND';
  readonly searched: readonly string[];
  constructor({
    searched,
    cause,
  }: { /** The folders searched. */ searched: readonly string[]; cause?: unknown }) {
    super({
      code: 'DATASET_NOT_FOUND',
      message:
        `Fashion-MNIST was not found. Searched: ${searched.join(', ')}.\n` +
        'Fix it one of these ways:\n' +
        '  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n' +
        '  - point FMNIST_DATA_DIR (or the `dir` option) at a folder with the four .gz files\n' +
        '  - pass { download: true } to fetch them from the official mirrors into the cache',
      cause,
    });
    this.searched = searched;
  }
  static override isInstance(error: unknown): error is DatasetNotFoundError {
    return hasMarker(error, `${MARKER}.DatasetNotFoundError`);
  }
}

const CHECKSUM = Symbol.for(`${MARKER}.ChecksumMismatchError`);
/** The SHA-256 of a file's decompressed content is not the expected one. Code `CHECKSUM_MISMATCH`. */
export class ChecksumMismatchError extends FmnistDataError {
  private readonly [CHECKSUM] = true;
  declare readonly code: 'CHECKSUM_MISMATCH';
  /** The file (or URL) that was checked. */
  readonly file: string;
  readonly expected: string;
  readonly actual: string;
  constructor({
    file,
    expected,
    actual,
    hint,
    cause,
  }: {
    file: string;
    expected: string;
    actual: string;
    /** What to do, when the default advice (delete and load again) does not fit. */
    hint?: string;
    cause?: unknown;
  }) {
    super({
      code: 'CHECKSUM_MISMATCH',
      message:
        `SHA-256 of the decompressed content of ${file} is ${actual}, expected ${expected}. ` +
        (hint ??
          'The file is corrupt or not the official Fashion-MNIST file: delete it and load again ' +
            '(with { download: true } to fetch a fresh copy).'),
      cause,
    });
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
  static override isInstance(error: unknown): error is ChecksumMismatchError {
    return hasMarker(error, `${MARKER}.ChecksumMismatchError`);
  }
}

/** One failed try of one URL, as recorded in {@link DownloadError.attempts}. */
export interface DownloadAttempt {
  url: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** What went wrong, in words. */
  reason: string;
}

const DOWNLOAD = Symbol.for(`${MARKER}.DownloadError`);
/** A file could not be downloaded from any mirror (after the retries). Code `DOWNLOAD_FAILED`. */
export class DownloadError extends FmnistDataError {
  private readonly [DOWNLOAD] = true;
  declare readonly code: 'DOWNLOAD_FAILED';
  /** The last URL tried. */
  readonly url: string;
  /** The HTTP status of the last try, when a response arrived. */
  readonly status: number | undefined;
  /** Every failed try, in order. */
  readonly attempts: readonly DownloadAttempt[];
  constructor({
    file,
    attempts,
    cause,
  }: {
    file: string;
    attempts: readonly DownloadAttempt[];
    cause?: unknown;
  }) {
    const last = attempts[attempts.length - 1];
    super({
      code: 'DOWNLOAD_FAILED',
      message:
        `Could not download ${file} (${attempts.length} tr${attempts.length === 1 ? 'y' : 'ies'}):\n` +
        attempts
          .map(
            (a) => `  - ${a.url}: ${a.status === undefined ? '' : `HTTP ${a.status}, `}${a.reason}`,
          )
          .join('\n') +
        '\nCheck the network (or a proxy), pass other `mirrors`, or install the files with ' +
        '`sudo apt-get install dataset-fashion-mnist` / point FMNIST_DATA_DIR at a folder holding them.',
      cause,
    });
    this.url = last?.url ?? '';
    this.status = last?.status;
    this.attempts = attempts;
  }
  static override isInstance(error: unknown): error is DownloadError {
    return hasMarker(error, `${MARKER}.DownloadError`);
  }
}

const ABORTED = Symbol.for(`${MARKER}.AbortedError`);
/**
 * The work was cancelled through the `signal` option (a download: nothing was written). `cause` is
 * the signal's reason. Code `ABORTED`.
 */
export class AbortedError extends FmnistDataError {
  private readonly [ABORTED] = true;
  declare readonly code: 'ABORTED';
  constructor({
    what,
    cause,
  }: {
    /** What was cancelled, e.g. `"Download of train-images-idx3-ubyte.gz"`. */
    what: string;
    /** The signal's reason. */
    cause?: unknown;
  }) {
    super({
      code: 'ABORTED',
      message: `${what} was aborted; nothing was written. Call it again to start over.`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is AbortedError {
    return hasMarker(error, `${MARKER}.AbortedError`);
  }
}

/**
 * @deprecated Use {@link AbortedError} (code `ABORTED`); this alias goes in the next minor version.
 * @alias
 */
export const DownloadAbortedError = AbortedError;
/** @deprecated Use {@link AbortedError}. */
export type DownloadAbortedError = AbortedError;

const INVALID_ARGUMENT = Symbol.for(`${MARKER}.InvalidArgumentError`);
/**
 * A function was called with an argument outside its domain (batch size 0, fraction 1.5...).
 * Code `INVALID_ARGUMENT`.
 */
export class InvalidArgumentError extends FmnistDataError {
  private readonly [INVALID_ARGUMENT] = true;
  declare readonly code: 'INVALID_ARGUMENT';
  /** The argument or option at fault, e.g. `"batchSize"`. */
  readonly argument: string;
  constructor({
    argument,
    message,
    cause,
  }: {
    argument: string;
    /** What is wrong and what is expected (it names the argument). */
    message: string;
    cause?: unknown;
  }) {
    super({ code: 'INVALID_ARGUMENT', message, cause });
    this.argument = argument;
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, `${MARKER}.InvalidArgumentError`);
  }
}
