import { describe, expect, it } from 'vitest';
import {
  AugmentError,
  type AugmentErrorCode,
  ConflictingOptionsError,
  EmptyBatchError,
  EraserExhaustedError,
  EraserImpossibleError,
  InvalidArgumentError,
  InvalidShapeError,
  InvertedRangeError,
  LabelMismatchError,
  NonFiniteParameterError,
  ParameterRangeError,
  ShapeMismatchError,
} from './index.js';

type ErrorClass = {
  new (...args: never[]): AugmentError;
  isInstance(error: unknown): boolean;
  readonly name: string;
};

// One instance of every class, its code, and a pattern the message must match (the fix it names).
const cases: [AugmentError, ErrorClass, AugmentErrorCode, RegExp][] = [
  [
    new InvalidShapeError({ shape: [0, 2], expected: '[height, width, channels]' }),
    InvalidShapeError,
    'INVALID_SHAPE',
    /expected \[height, width, channels\], every entry a positive integer/,
  ],
  [
    new ShapeMismatchError({ what: 'images', shape: [2, 2, 1], actualLength: 3 }),
    ShapeMismatchError,
    'SHAPE_MISMATCH',
    /needs 4\. Pass the shape of the data/,
  ],
  [
    new EmptyBatchError({ what: 'images' }),
    EmptyBatchError,
    'EMPTY_BATCH',
    /pass at least one image/,
  ],
  [
    new NonFiniteParameterError({ parameter: 'cval', value: Number.NaN }),
    NonFiniteParameterError,
    'NON_FINITE_PARAMETER',
    /`cval` must be a finite number/,
  ],
  [
    new InvalidArgumentError({ parameter: 'p', value: 2, expected: 'a probability in [0, 1]' }),
    InvalidArgumentError,
    'INVALID_ARGUMENT',
    /expected a probability in \[0, 1\]/,
  ],
  [
    new InvertedRangeError({ low: 'sl', lowValue: 0.5, high: 'sh', highValue: 0.1 }),
    InvertedRangeError,
    'INVERTED_RANGE',
    /swap them/,
  ],
  [
    new ConflictingOptionsError({
      option: 'areaRange[0]',
      optionValue: 0.1,
      alias: 'sl',
      aliasValue: 0.2,
    }),
    ConflictingOptionsError,
    'CONFLICTING_OPTIONS',
    /give one of the two \(prefer `areaRange`\)/,
  ],
  [
    new EraserImpossibleError({ height: 2, width: 2, detail: 'too big' }),
    EraserImpossibleError,
    'ERASER_IMPOSSIBLE',
    /Lower `areaRange\[0\]`/,
  ],
  [
    new EraserExhaustedError({ attempts: 5 }),
    EraserExhaustedError,
    'ERASER_EXHAUSTED',
    /onExhausted: 'skip'/,
  ],
  [
    new LabelMismatchError({ labelCount: 5, imageCount: 2 }),
    LabelMismatchError,
    'LABEL_MISMATCH',
    /one value per image, or one row of k values per image/,
  ],
];

describe('errors', () => {
  it.each(cases)('%o: class, code, name, isInstance, message', (error, Class, code, fix) => {
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(AugmentError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.name);
    expect(error.message).toMatch(fix);
    expect(Class.isInstance(error)).toBe(true);
    expect(AugmentError.isInstance(error)).toBe(true);
    const other: ErrorClass =
      Class === (EmptyBatchError as ErrorClass) ? LabelMismatchError : EmptyBatchError;
    expect(other.isInstance(error)).toBe(false);
  });

  it('isInstance is false for plain errors and non-errors', () => {
    for (const v of [new Error('x'), null, undefined, { code: 'INVALID_ARGUMENT' }]) {
      expect(AugmentError.isInstance(v)).toBe(false);
      expect(InvalidArgumentError.isInstance(v)).toBe(false);
    }
  });

  it('isInstance recognises errors from another copy of the package; instanceof does not', async () => {
    const copy = (await import(
      /* @vite-ignore */ `./errors.js?copy=${Date.now()}`
    )) as typeof import('./errors.js');
    expect(copy.InvalidArgumentError).not.toBe(InvalidArgumentError);
    const foreign = new copy.InvalidArgumentError({ parameter: 'p', value: 2, expected: 'x' });
    expect(foreign).not.toBeInstanceOf(InvalidArgumentError);
    expect(InvalidArgumentError.isInstance(foreign)).toBe(true);
    expect(AugmentError.isInstance(foreign)).toBe(true);
    expect(ShapeMismatchError.isInstance(foreign)).toBe(false);
  });

  it('ParameterRangeError is a deprecated alias of InvalidArgumentError', () => {
    expect(ParameterRangeError).toBe(InvalidArgumentError);
    const e: ParameterRangeError = new ParameterRangeError({
      parameter: 'p',
      value: 2,
      expected: 'x',
    });
    expect(e.code).toBe('INVALID_ARGUMENT');
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new EmptyBatchError({ what: 'x', cause }).cause).toBe(cause);
  });
});
