import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ChecksumMismatchError,
  CountMismatchError,
  DatasetNotFoundError,
  DownloadAbortedError,
  DownloadError,
  FmnistDataError,
  type FmnistDataErrorCode,
  GzipError,
  IdxFormatError,
  IdxSizeMismatchError,
  InvalidArgumentError,
  ShapeError,
} from './index.js';

// One instance of every class, with the code it must carry and a pattern the message must match
// (the fix it names).
type ErrorClass = {
  new (...args: never[]): FmnistDataError;
  isInstance(error: unknown): boolean;
  readonly name: string;
};
const cases: [FmnistDataError, ErrorClass, FmnistDataErrorCode, RegExp][] = [
  [
    new IdxFormatError({ reason: 'Bad magic: fetch it again.' }),
    IdxFormatError,
    'IDX_FORMAT',
    /fetch it again/,
  ],
  [
    new IdxSizeMismatchError({ what: 'header [2×2] uint8', expectedBytes: 16, actualBytes: 10 }),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
    /Truncated.*Delete the file and fetch it again/s,
  ],
  [
    new GzipError({ cause: new Error('unexpected end') }),
    GzipError,
    'GZIP_CORRUPT',
    /unexpected end.*fetch it again/,
  ],
  [new GzipError({ maxOutputBytes: 10 }), GzipError, 'GZIP_TOO_LARGE', /Raise the limit/],
  [new ShapeError({ reason: 'labels: rank 2.' }), ShapeError, 'BAD_SHAPE', /rank 2/],
  [
    new CountMismatchError({ images: 3, labels: 4 }),
    CountMismatchError,
    'COUNT_MISMATCH',
    /one split of one release/,
  ],
  [
    new DatasetNotFoundError({ searched: ['/a', '/b'] }),
    DatasetNotFoundError,
    'DATASET_NOT_FOUND',
    /\/a, \/b.*apt-get install/s,
  ],
  [
    new ChecksumMismatchError({ file: 'f.gz', expected: 'aa', actual: 'bb' }),
    ChecksumMismatchError,
    'CHECKSUM_MISMATCH',
    /delete it and load again/,
  ],
  [
    new DownloadError({
      file: 'f.gz',
      attempts: [{ url: 'http://x/f.gz', status: 404, reason: 'Not Found' }],
    }),
    DownloadError,
    'DOWNLOAD_FAILED',
    /HTTP 404.*Check the network/s,
  ],
  [
    new AbortedError({ what: 'Download of f.gz' }),
    AbortedError,
    'ABORTED',
    /Download of f\.gz was aborted.*Call it again/,
  ],
  [
    new InvalidArgumentError({ argument: 'batchSize', message: 'batchSize must be ≥ 1, got 0.' }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    /batchSize must be/,
  ],
];

describe('errors', () => {
  it.each(cases)('%o: class, code, name, isInstance, message', (error, Class, code, fix) => {
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(FmnistDataError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.name);
    expect(error.message).toMatch(fix);
    expect(Class.isInstance(error)).toBe(true);
    expect(FmnistDataError.isInstance(error)).toBe(true);
    // Another subclass's isInstance says no.
    const other: ErrorClass = Class === (ShapeError as ErrorClass) ? IdxFormatError : ShapeError;
    expect(other.isInstance(error)).toBe(false);
  });

  it('isInstance is false for plain errors and non-errors', () => {
    for (const v of [new Error('x'), null, undefined, 'ABORTED', { code: 'ABORTED' }]) {
      expect(FmnistDataError.isInstance(v)).toBe(false);
      expect(AbortedError.isInstance(v)).toBe(false);
    }
  });

  it('isInstance recognises errors from another copy of the package; instanceof does not', async () => {
    // A second instance of the module, as two installed copies of the package would give.
    const copy = (await import(
      /* @vite-ignore */ `./errors.js?copy=${Date.now()}`
    )) as typeof import('./errors.js');
    expect(copy.AbortedError).not.toBe(AbortedError);
    const foreign = new copy.AbortedError({ what: 'Download of f.gz' });
    expect(foreign).not.toBeInstanceOf(AbortedError);
    expect(AbortedError.isInstance(foreign)).toBe(true);
    expect(FmnistDataError.isInstance(foreign)).toBe(true);
    expect(DownloadError.isInstance(foreign)).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('zlib');
    expect(new GzipError({ cause }).cause).toBe(cause);
    expect('cause' in new ShapeError({ reason: 'x' })).toBe(false);
  });

  it('DownloadAbortedError is a deprecated alias of AbortedError', () => {
    expect(DownloadAbortedError).toBe(AbortedError);
    const e: DownloadAbortedError = new DownloadAbortedError({ what: 'Download of f.gz' });
    expect(e.code).toBe('ABORTED');
  });

  it('a subclass narrows code, so a switch on it is checked', () => {
    const e: FmnistDataError = new CountMismatchError({ images: 1, labels: 2 });
    const describe = (x: FmnistDataError): string => {
      switch (x.code) {
        case 'COUNT_MISMATCH':
          return 'count';
        default:
          return 'other';
      }
    };
    expect(describe(e)).toBe('count');
    const narrowed: 'COUNT_MISMATCH' = new CountMismatchError({ images: 1, labels: 2 }).code;
    expect(narrowed).toBe('COUNT_MISMATCH');
    // @ts-expect-error: not a code of this package
    const bad: FmnistDataErrorCode = 'DOWNLOAD_ABORTED';
    expect(bad).toBeDefined();
  });
});
