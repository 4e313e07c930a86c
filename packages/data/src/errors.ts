/**
 * Stable error codes of `@fmnist/data`. Switch on `error.code`, not on the message.
 */
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
  | 'DOWNLOAD_ABORTED'
  | 'INVALID_ARGUMENT';

/** Base class of every error thrown by `@fmnist/data`. `code` is stable and safe to switch on. */
export class FmnistDataError extends Error {
  readonly code: string;
  constructor(code: FmnistDataErrorCode | string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The bytes are not an IDX file (bad magic, unknown element type, zero dimensions...). */
export class IdxFormatError extends FmnistDataError {
  constructor(message: string) {
    super('IDX_FORMAT', message);
  }
}

/** The IDX header promises more (or fewer) bytes than the file holds. */
export class IdxSizeMismatchError extends FmnistDataError {
  /** Bytes the header asks for (may exceed `Number.MAX_SAFE_INTEGER` for absurd headers). */
  readonly expectedBytes: number;
  readonly actualBytes: number;
  constructor(message: string, expectedBytes: number, actualBytes: number) {
    super('IDX_SIZE_MISMATCH', message);
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
  }
}

/**
 * The bytes start with the gzip magic number but do not decompress: corrupt or truncated
 * (`GZIP_CORRUPT`), or larger once decompressed than the `maxOutputBytes` limit (`GZIP_TOO_LARGE`).
 */
export class GzipError extends FmnistDataError {
  constructor(
    message: string,
    options?: { cause?: unknown; code?: 'GZIP_CORRUPT' | 'GZIP_TOO_LARGE' },
  ) {
    super(options?.code ?? 'GZIP_CORRUPT', message, options);
  }
}

/** A well-formed IDX file or array whose shape or element type is not the one required. */
export class ShapeError extends FmnistDataError {
  constructor(message: string) {
    super('BAD_SHAPE', message);
  }
}

/** The images file and the labels file of a split hold different numbers of items. */
export class CountMismatchError extends FmnistDataError {
  readonly images: number;
  readonly labels: number;
  constructor(message: string, images: number, labels: number) {
    super('COUNT_MISMATCH', message);
    this.images = images;
    this.labels = labels;
  }
}

/** No copy of the dataset could be found and downloading was not allowed. */
export class DatasetNotFoundError extends FmnistDataError {
  readonly searched: readonly string[];
  constructor(searched: readonly string[]) {
    super(
      'DATASET_NOT_FOUND',
      `Fashion-MNIST was not found. Searched: ${searched.join(', ')}.\n` +
        'Fix it one of these ways:\n' +
        '  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n' +
        '  - point FMNIST_DATA_DIR (or the `dir` option) at a folder with the four .gz files\n' +
        '  - pass { download: true } to fetch them from the official mirrors into the cache',
    );
    this.searched = searched;
  }
}

/** The SHA-256 of a file's decompressed content is not the expected one. */
export class ChecksumMismatchError extends FmnistDataError {
  /** The file (or URL) that was checked. */
  readonly file: string;
  readonly expected: string;
  readonly actual: string;
  constructor(file: string, expected: string, actual: string, hint?: string) {
    super(
      'CHECKSUM_MISMATCH',
      `SHA-256 of the decompressed content of ${file} is ${actual}, expected ${expected}. ` +
        (hint ??
          'The file is corrupt or not the official Fashion-MNIST file: delete it and load again ' +
            '(with { download: true } to fetch a fresh copy).'),
    );
    this.file = file;
    this.expected = expected;
    this.actual = actual;
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

/** A file could not be downloaded from any mirror (after the retries). */
export class DownloadError extends FmnistDataError {
  /** The last URL tried. */
  readonly url: string;
  /** The HTTP status of the last try, when a response arrived. */
  readonly status: number | undefined;
  /** Every failed try, in order. */
  readonly attempts: readonly DownloadAttempt[];
  constructor(file: string, attempts: readonly DownloadAttempt[], options?: { cause?: unknown }) {
    const last = attempts[attempts.length - 1];
    super(
      'DOWNLOAD_FAILED',
      `Could not download ${file} (${attempts.length} tr${attempts.length === 1 ? 'y' : 'ies'}):\n` +
        attempts
          .map(
            (a) => `  - ${a.url}: ${a.status === undefined ? '' : `HTTP ${a.status}, `}${a.reason}`,
          )
          .join('\n') +
        '\nCheck the network (or a proxy), pass other `mirrors`, or install the files with ' +
        '`sudo apt-get install dataset-fashion-mnist` / point FMNIST_DATA_DIR at a folder holding them.',
      options,
    );
    this.url = last?.url ?? '';
    this.status = last?.status;
    this.attempts = attempts;
  }
}

/** The download was cancelled through the `signal` option. `cause` is the signal's reason. */
export class DownloadAbortedError extends FmnistDataError {
  constructor(file: string, cause: unknown) {
    super('DOWNLOAD_ABORTED', `Download of ${file} was aborted; nothing was written.`, { cause });
  }
}

/** A helper was called with an argument outside its domain (batch size 0, fraction 1.5...). */
export class InvalidArgumentError extends FmnistDataError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
