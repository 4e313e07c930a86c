import { describe, expect, it } from 'vitest';
import * as E from './index.js';

type ErrorClass = {
  new (...args: never[]): E.AugmentError;
  isInstance(error: unknown): boolean;
  readonly name: string;
};

// One instance of every class, its code, and a pattern the message must match (the fix it names).
const cases: [E.AugmentError, ErrorClass, E.AugmentErrorCode, RegExp][] = [
  [
    new E.InvalidShapeError({ shape: [0, 2], expected: '[height, width, channels]' }),
    E.InvalidShapeError,
    'INVALID_SHAPE',
    /expected \[height, width, channels\], every entry a positive integer/,
  ],
  [
    new E.ShapeMismatchError({ what: 'images', shape: [2, 2, 1], actualLength: 3 }),
    E.ShapeMismatchError,
    'SHAPE_MISMATCH',
    /needs 4\. Pass the shape of the data/,
  ],
  [
    new E.EmptyBatchError({ what: 'images' }),
    E.EmptyBatchError,
    'EMPTY_BATCH',
    /pass at least one image/,
  ],
  [
    new E.NonFiniteParameterError({ parameter: 'cval', value: Number.NaN }),
    E.NonFiniteParameterError,
    'NON_FINITE_PARAMETER',
    /`cval` must be a finite number/,
  ],
  [
    new E.InvalidArgumentError({ parameter: 'p', value: 2, expected: 'a probability in [0, 1]' }),
    E.InvalidArgumentError,
    'INVALID_ARGUMENT',
    /expected a probability in \[0, 1\]/,
  ],
  [
    new E.InvertedRangeError({ low: 'sl', lowValue: 0.5, high: 'sh', highValue: 0.1 }),
    E.InvertedRangeError,
    'INVERTED_RANGE',
    /swap them/,
  ],
  [
    new E.ConflictingOptionsError({
      option: 'areaRange[0]',
      optionValue: 0.1,
      alias: 'sl',
      aliasValue: 0.2,
    }),
    E.ConflictingOptionsError,
    'CONFLICTING_OPTIONS',
    /give one of the two \(prefer `areaRange`\)/,
  ],
  [
    new E.EraserImpossibleError({ height: 2, width: 2, detail: 'too big' }),
    E.EraserImpossibleError,
    'ERASER_IMPOSSIBLE',
    /Lower `areaRange\[0\]`/,
  ],
  [
    new E.EraserExhaustedError({ attempts: 5 }),
    E.EraserExhaustedError,
    'ERASER_EXHAUSTED',
    /onExhausted: 'skip'/,
  ],
  [
    new E.LabelMismatchError({ labelCount: 5, imageCount: 2 }),
    E.LabelMismatchError,
    'LABEL_MISMATCH',
    /one value per image, or one row of k values per image/,
  ],
];

describe('errors', () => {
  it.each(cases)('%o: class, code, name, isInstance, message', (error, Class, code, fix) => {
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(E.AugmentError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.name);
    expect(error.message).toMatch(fix);
    expect(Class.isInstance(error)).toBe(true);
    expect(E.AugmentError.isInstance(error)).toBe(true);
    const other: ErrorClass =
      Class === (E.EmptyBatchError as ErrorClass) ? E.LabelMismatchError : E.EmptyBatchError;
    expect(other.isInstance(error)).toBe(false);
  });

  it('covers every error class the main entry exports', () => {
    const exported = (Object.values(E) as unknown[]).filter(
      (v): v is ErrorClass =>
        typeof v === 'function' && (v as ErrorClass).prototype instanceof E.AugmentError,
    );
    expect(exported.length).toBeGreaterThanOrEqual(cases.length);
    expect(new Set(exported)).toEqual(new Set(cases.map(([, Class]) => Class)));
  });

  it('isInstance is false for plain errors and non-errors', () => {
    for (const v of [new Error('x'), null, undefined, { code: 'INVALID_ARGUMENT' }]) {
      expect(E.AugmentError.isInstance(v)).toBe(false);
      expect(E.InvalidArgumentError.isInstance(v)).toBe(false);
    }
  });

  it('isInstance recognises errors from another copy of the package; instanceof does not', async () => {
    const copy = (await import(
      /* @vite-ignore */ `./errors.js?copy=${Date.now()}`
    )) as typeof import('./errors.js');
    expect(copy.InvalidArgumentError).not.toBe(E.InvalidArgumentError);
    const foreign = new copy.InvalidArgumentError({ parameter: 'p', value: 2, expected: 'x' });
    expect(foreign).not.toBeInstanceOf(E.InvalidArgumentError);
    expect(E.InvalidArgumentError.isInstance(foreign)).toBe(true);
    expect(E.AugmentError.isInstance(foreign)).toBe(true);
    expect(E.ShapeMismatchError.isInstance(foreign)).toBe(false);
  });

  it('ParameterRangeError is a deprecated alias of InvalidArgumentError', () => {
    expect(E.ParameterRangeError).toBe(E.InvalidArgumentError);
    const e: E.ParameterRangeError = new E.ParameterRangeError({
      parameter: 'p',
      value: 2,
      expected: 'x',
    });
    expect(e.code).toBe('INVALID_ARGUMENT');
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new E.EmptyBatchError({ what: 'x', cause }).cause).toBe(cause);
  });
});
