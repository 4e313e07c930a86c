import {
  describeValue,
  FeatureOverflowError,
  InvalidInputError,
  NonFiniteFeatureError,
} from './errors.js';
import type { ResidentRows } from './wasm/resident.js';

/** Row-major numbers with their shape: the plain (non-tensor) matrix input. */
export interface MatrixData {
  /** n·d values, row-major. Uint8 stays integer (the fast exact path); anything else becomes float32. */
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | ArrayLike<number>;
  shape: readonly [number, number];
}

/**
 * A rank-2 TensorFlow.js tensor, described by shape so that this package's types do not need
 * `@tensorflow/tfjs-core` (an optional peer): any `tf.Tensor2D` fits.
 */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  dataSync(): unknown;
}

/** What fit / predict accept: a {@link MatrixData}, a rank-2 tfjs tensor, or an array of rows. */
export type MatrixInput = MatrixData | TensorLike | ArrayLike<ArrayLike<number>>;

/**
 * The internal form: uint8 rows (`u8`) or float32 rows (`f32`). A float matrix whose values are all
 * integers in 0..255 is stored as uint8: the distances are the same numbers, computed faster.
 */
export interface Matrix {
  kind: 'u8' | 'f32';
  data: Uint8Array | Float32Array;
  n: number;
  d: number;
  /** The largest |value|, when the conversion found it on the way. */
  maxAbs?: number;
  /** Set when `data` lies in the WebAssembly memory the search will use (see {@link Placement}). */
  resident?: ResidentRows;
}

/**
 * Where {@link toMatrix} may put its copy of the values: memory of the caller's choosing (fit()
 * writes training rows straight into the search's WebAssembly memory), or undefined for a new array.
 */
export type Placement = (
  kind: 'u8' | 'f32',
  n: number,
  d: number,
) => { data: Uint8Array | Float32Array; resident: ResidentRows } | undefined;

/** A copy of `values` as `kind`, placed by `place` when it can, else in a new array. */
function copyAs(
  kind: 'u8' | 'f32',
  values: ArrayLike<number>,
  n: number,
  d: number,
  maxAbs: number | undefined,
  place: Placement | undefined,
): Matrix {
  const len = n * d;
  const spot = place?.(kind, n, d);
  if (spot) {
    spot.data.set(values);
    return { kind, data: spot.data, n, d, maxAbs, resident: spot.resident };
  }
  const data = kind === 'u8' ? new Uint8Array(len) : new Float32Array(len);
  data.set(values);
  return { kind, data, n, d, maxAbs };
}

type Where = 'training' | 'query';

/** Whether `x` looks like a tfjs tensor (checked by shape: no tfjs import needed). */
function isTensor(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataSync' in x &&
    'shape' in x &&
    'dtype' in x &&
    typeof (x as TensorLike).dataSync === 'function'
  );
}

function isMatrixData(x: unknown): x is MatrixData {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x;
}

function checkShape(shape: unknown, length: number): [number, number] {
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((s) => Number.isSafeInteger(s) && s >= 0)
  ) {
    throw new InvalidInputError({
      message: `A matrix needs shape [rows, features] of two non-negative integers, got ${JSON.stringify(shape)}.`,
    });
  }
  if (shape[0] * shape[1] !== length) {
    throw new InvalidInputError({
      message: `The data holds ${length} values but shape [${shape[0]}, ${shape[1]}] needs ${shape[0] * shape[1]}; fix the shape or the data.`,
    });
  }
  return [shape[0], shape[1]];
}

function notANumber(v: unknown, row: number, column: number, where: Where): InvalidInputError {
  return new InvalidInputError({
    message:
      `The ${where} matrix holds ${describeValue(v)} at row ${row}, column ${column}; ` +
      'features must be numbers (convert strings with Number(), impute or drop missing values).',
  });
}

/**
 * The magnitude of `x`, the value at flat index `i`, which exceeds every magnitude seen before it
 * (or is NaN): throws when it is not finite or overflows float32 (values that round to float32's
 * largest are fine). The shared slow path of the input loops below.
 */
function newLargest(x: number, i: number, d: number, where: Where): number {
  const a = Math.abs(x);
  const at = { where, row: Math.floor(i / d), column: i % d, value: x };
  if (!(a < Number.POSITIVE_INFINITY)) throw new NonFiniteFeatureError(at);
  if (Math.fround(a) === Number.POSITIVE_INFINITY) throw new FeatureOverflowError(at);
  return a;
}

/**
 * {@link fromNumbers} for a Float32Array or Float64Array: the same checks in plain loops of their
 * own (they run once per fit, mostly before V8 has optimised them, so every operation in the loop
 * body counts; the generic loop's element access is several times slower): the leading run of byte
 * values, then the rest, where only a new largest |value| needs a closer look (NaN fails `<=` too).
 */
function fromFloats(
  values: Float32Array | Float64Array,
  n: number,
  d: number,
  where: Where,
  place: Placement | undefined,
): Matrix {
  const len = n * d;
  let maxAbs = 0;
  let i = 0;
  for (; i < len; i++) {
    const x = values[i];
    if (!(x >= 0 && x <= 255 && Math.floor(x) === x)) break;
    if (x > maxAbs) maxAbs = x;
  }
  const allBytes = i === len;
  for (; i < len; i++) {
    if (!(Math.abs(values[i]) <= maxAbs)) maxAbs = newLargest(values[i], i, d, where);
  }
  // Rounding to float32 keeps order: the largest |value| the search sees is the rounded maximum.
  return copyAs(allBytes ? 'u8' : 'f32', values, n, d, Math.fround(maxAbs), place);
}

/** Copies numbers into float32, or into uint8 when every value is an integer in 0..255. */
function fromNumbers(
  values: ArrayLike<unknown>,
  n: number,
  d: number,
  where: Where,
  place?: Placement,
): Matrix {
  if (values instanceof Float32Array || values instanceof Float64Array) {
    return fromFloats(values, n, d, where, place);
  }
  const len = n * d;
  let allBytes = true;
  let maxAbs = 0;
  const typed = ArrayBuffer.isView(values);
  for (let i = 0; i < len; i++) {
    const v = values[i];
    if (!typed && typeof v !== 'number') throw notANumber(v, Math.floor(i / d), i % d, where);
    const x = v as number;
    if (!(Math.abs(x) <= maxAbs)) maxAbs = newLargest(x, i, d, where);
    if (allBytes && !(x >= 0 && x <= 255 && Math.floor(x) === x)) allBytes = false;
  }
  const kind = allBytes ? 'u8' : 'f32';
  return copyAs(kind, values as ArrayLike<number>, n, d, Math.fround(maxAbs), place);
}

function fromRows(rows: ArrayLike<unknown>, where: Where, place: Placement | undefined): Matrix {
  const n = rows.length;
  const first = rows[0];
  if (n > 0 && (typeof first === 'number' || typeof first === 'string' || first === null)) {
    throw new InvalidInputError({
      message:
        `The ${where} matrix is a 1-D array of ${n} values, but a matrix has rows: ` +
        `pass [[${typeof first === 'number' ? first : '…'}, …]] for one row of ${n} features, ` +
        `rows.map((v) => [v]) for ${n} rows of one feature, or { data, shape: [rows, features] }.`,
    });
  }
  const d = n > 0 ? rowLength(first, 0, where) : 0;
  const flat = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as ArrayLike<unknown>;
    const len = rowLength(r, i, where);
    if (len !== d) {
      throw new InvalidInputError({
        message: `Row ${i} of the ${where} matrix has ${len} values but row 0 has ${d}; all rows need the same length.`,
      });
    }
    const typed = ArrayBuffer.isView(r);
    for (let j = 0; j < d; j++) {
      const v = r[j];
      if (!typed && typeof v !== 'number') throw notANumber(v, i, j, where);
      flat[i * d + j] = v as number;
    }
  }
  return fromNumbers(flat, n, d, where, place);
}

function rowLength(r: unknown, i: number, where: Where): number {
  if (r === null || typeof r !== 'object' || typeof (r as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidInputError({
      message: `Row ${i} of the ${where} matrix is ${describeValue(r)}; each row must be an array (or typed array) of numbers.`,
    });
  }
  return (r as ArrayLike<unknown>).length;
}

/**
 * Converts any accepted input to a {@link Matrix}, copying it (later changes to the caller's array
 * do not reach the model; `place` may say where the copy goes) and checking that every value is a
 * finite number within float32's range.
 */
export function toMatrix(input: MatrixInput, where: Where, place?: Placement): Matrix {
  if (isTensor(input)) {
    if (input.shape.length !== 2) {
      throw new InvalidInputError({
        message: `A tensor input must be 2-D [rows, features], got shape [${input.shape.join(', ')}]; reshape it first (tf.reshape(x, [rows, -1])).`,
      });
    }
    if (input.dtype !== 'float32' && input.dtype !== 'int32' && input.dtype !== 'bool') {
      throw new InvalidInputError({
        message: `A tensor input must be numeric (float32, int32 or bool), got dtype ${input.dtype}; cast it first.`,
      });
    }
    const [n, d] = input.shape as [number, number];
    return fromNumbers(input.dataSync() as ArrayLike<number>, n, d, where, place);
  }
  if (isMatrixData(input)) {
    const { data } = input;
    if (!data || typeof (data as ArrayLike<number>).length !== 'number') {
      throw new InvalidInputError({
        message: '`data` must be a typed array or an array of numbers.',
      });
    }
    const [n, d] = checkShape(input.shape, data.length);
    if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) {
      let maxAbs: number | undefined;
      if (where === 'training') {
        maxAbs = 0;
        for (let i = 0; i < data.length; i++) if (data[i] > maxAbs) maxAbs = data[i];
      }
      return copyAs('u8', data, n, d, maxAbs, place);
    }
    return fromNumbers(data, n, d, where, place);
  }
  if (input && typeof (input as ArrayLike<unknown>).length === 'number') {
    return fromRows(input as ArrayLike<unknown>, where, place);
  }
  throw new InvalidInputError({
    message: `Got ${describeValue(input)}; expected { data, shape: [rows, features] }, a 2-D tfjs tensor, or an array of rows.`,
  });
}

/** The same matrix as float32 (a copy when it is uint8). */
export function asFloat32(m: Matrix): Float32Array {
  return m.kind === 'f32' ? (m.data as Float32Array) : Float32Array.from(m.data);
}
