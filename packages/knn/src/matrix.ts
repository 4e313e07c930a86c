import type { Tensor } from '@tensorflow/tfjs-core';
import { InvalidInputError, NonFiniteFeatureError } from './errors.js';

/** Row-major numbers with their shape: the plain (non-tensor) matrix input. */
export interface MatrixData {
  /** n·d values, row-major. Uint8 stays integer (the fast exact path); anything else becomes float32. */
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | ArrayLike<number>;
  shape: readonly [number, number];
}

/** What fit / predict accept: a {@link MatrixData}, a rank-2 tfjs tensor, or an array of rows. */
export type MatrixInput = MatrixData | Tensor | ArrayLike<ArrayLike<number>>;

/**
 * The internal form: uint8 rows (`u8`) or float32 rows (`f32`). A float matrix whose values are all
 * integers in 0..255 is stored as uint8: the distances are the same numbers, computed faster.
 */
export interface Matrix {
  kind: 'u8' | 'f32';
  data: Uint8Array | Float32Array;
  n: number;
  d: number;
}

function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataSync' in x &&
    'shape' in x &&
    'dtype' in x &&
    typeof (x as Tensor).dataSync === 'function'
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
    throw new InvalidInputError(
      `A matrix needs shape [rows, features] of two non-negative integers, got ${JSON.stringify(shape)}.`,
    );
  }
  if (shape[0] * shape[1] !== length) {
    throw new InvalidInputError(
      `The data holds ${length} values but shape [${shape[0]}, ${shape[1]}] needs ${shape[0] * shape[1]}.`,
    );
  }
  return [shape[0], shape[1]];
}

/** Copies values into float32, or into uint8 when every value is an integer in 0..255. */
function fromNumbers(
  values: ArrayLike<number>,
  n: number,
  d: number,
  where: 'training' | 'query',
): Matrix {
  const len = n * d;
  let allBytes = true;
  for (let i = 0; i < len; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteFeatureError(where, Math.floor(i / d), i % d, v);
    }
    if (allBytes && !(v >= 0 && v <= 255 && Math.floor(v) === v)) allBytes = false;
  }
  if (allBytes) {
    const u = new Uint8Array(len);
    for (let i = 0; i < len; i++) u[i] = values[i];
    return { kind: 'u8', data: u, n, d };
  }
  const f = new Float32Array(len);
  for (let i = 0; i < len; i++) f[i] = values[i];
  // A float64 value may overflow float32.
  for (let i = 0; i < len; i++) {
    if (!Number.isFinite(f[i]))
      throw new NonFiniteFeatureError(where, Math.floor(i / d), i % d, f[i]);
  }
  return { kind: 'f32', data: f, n, d };
}

function fromRows(rows: ArrayLike<ArrayLike<number>>, where: 'training' | 'query'): Matrix {
  const n = rows.length;
  const d = n > 0 ? rows[0].length : 0;
  const flat = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!r || typeof r.length !== 'number' || r.length !== d) {
      throw new InvalidInputError(
        `Row ${i} has ${r?.length} values but row 0 has ${d}; all rows need the same length.`,
      );
    }
    for (let j = 0; j < d; j++) flat[i * d + j] = r[j];
  }
  return fromNumbers(flat, n, d, where);
}

/**
 * Converts any accepted input to a {@link Matrix}, copying it (later changes to the caller's array
 * do not reach the model) and checking that every value is finite.
 */
export function toMatrix(input: MatrixInput, where: 'training' | 'query'): Matrix {
  if (isTensor(input)) {
    if (input.shape.length !== 2) {
      throw new InvalidInputError(
        `A tensor input must be 2-D [rows, features], got shape [${input.shape.join(', ')}].`,
      );
    }
    if (input.dtype !== 'float32' && input.dtype !== 'int32' && input.dtype !== 'bool') {
      throw new InvalidInputError(`A tensor input must be numeric, got dtype ${input.dtype}.`);
    }
    const [n, d] = input.shape as [number, number];
    return fromNumbers(input.dataSync() as ArrayLike<number>, n, d, where);
  }
  if (isMatrixData(input)) {
    const { data } = input;
    if (!data || typeof (data as ArrayLike<number>).length !== 'number') {
      throw new InvalidInputError('`data` must be a typed array or an array of numbers.');
    }
    const [n, d] = checkShape(input.shape, data.length);
    if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) {
      return { kind: 'u8', data: new Uint8Array(data), n, d };
    }
    return fromNumbers(data, n, d, where);
  }
  if (input && typeof (input as ArrayLike<unknown>).length === 'number') {
    return fromRows(input as ArrayLike<ArrayLike<number>>, where);
  }
  throw new InvalidInputError(
    'Expected { data, shape: [rows, features] }, a 2-D tfjs tensor, or an array of rows.',
  );
}

/** The same matrix as float32 (a copy when it is uint8). */
export function asFloat32(m: Matrix): Float32Array {
  return m.kind === 'f32' ? (m.data as Float32Array) : Float32Array.from(m.data);
}
