/** Base class of every error thrown by `@fmnist/data`. `code` is stable and safe to switch on. */
export class FmnistDataError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
  readonly expectedBytes: number;
  readonly actualBytes: number;
  constructor(message: string, expectedBytes: number, actualBytes: number) {
    super('IDX_SIZE_MISMATCH', message);
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
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
