import { IdxFormatError, IdxSizeMismatchError, InvalidArgumentError } from './errors.js';

/** Element types of the IDX format (third byte of the magic number). */
export const IDX_TYPES = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
} as const;

export type IdxElementType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES];

/** The typed array that holds the values of each IDX element type. */
export type IdxDataFor<T extends IdxElementType> = T extends 'uint8'
  ? Uint8Array
  : T extends 'int8'
    ? Int8Array
    : T extends 'int16'
      ? Int16Array
      : T extends 'int32'
        ? Int32Array
        : T extends 'float32'
          ? Float32Array
          : Float64Array;

/** A parsed IDX array: its element type, its shape and the values in row-major order. */
export interface IdxArray<T extends IdxElementType = IdxElementType> {
  type: T;
  shape: number[];
  /** The values, in native byte order, in an array that owns its whole buffer (offset 0). */
  data: IdxDataFor<T>;
}

/** The header of an IDX file: element type, shape, and where the values start. */
export interface IdxHeader {
  type: IdxElementType;
  shape: number[];
  /** Byte offset of the first value: `4 + 4 * rank`. */
  headerBytes: number;
  /** Bytes the whole file must have: header plus values. May be inexact above 2⁵³. */
  totalBytes: number;
}

/**
 * The typed array class of each IDX element type; its `BYTES_PER_ELEMENT` is the size of an element
 * in the file. @internal
 */
export const IDX_ARRAY_TYPES = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const satisfies Readonly<Record<IdxElementType, { BYTES_PER_ELEMENT: number }>>;

/** Bytes of one element of `type` in an IDX file. */
function elementBytes(type: IdxElementType): number {
  return IDX_ARRAY_TYPES[type].BYTES_PER_ELEMENT;
}

const TYPE_CODES: Readonly<Record<IdxElementType, number>> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

/**
 * Reads and validates the header of an (uncompressed) IDX file. The size the header declares is
 * checked against `fileBytes` (default: the bytes given), with exact big-integer arithmetic, so a
 * header declaring 4·10⁹ elements in a 20-byte file fails here, before anything is allocated.
 *
 * @throws {@link IdxFormatError} on a bad magic number, unknown element type or zero rank.
 * @throws {@link IdxSizeMismatchError} when the header or the values are truncated, or trailing
 *   bytes follow the values.
 */
export function parseIdxHeader(bytes: Uint8Array, fileBytes = bytes.byteLength): IdxHeader {
  if (bytes.byteLength < 4) {
    throw new IdxFormatError({
      reason:
        `IDX file too short: ${bytes.byteLength} bytes, the magic number alone needs 4. ` +
        'The file is empty or truncated: delete it and fetch it again.',
    });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError({
      reason:
        `Bad IDX magic number 0x${hex(bytes, 0, 4)}: the first two bytes must be zero. ` +
        'Is this an IDX file (or a corrupt download, or gzip data that was not decompressed)?',
    });
  }
  const typeCode = bytes[2]!;
  const type = IDX_TYPES[typeCode as keyof typeof IDX_TYPES];
  if (!type) {
    throw new IdxFormatError({
      reason:
        `Unknown IDX element type 0x${typeCode.toString(16).padStart(2, '0')}; expected one of ` +
        '08, 09, 0b, 0c, 0d, 0e. Is this an IDX file?',
    });
  }
  const rank = bytes[3]!;
  if (rank === 0) {
    throw new IdxFormatError({
      reason: 'IDX file declares zero dimensions: it is corrupt; delete it and fetch it again.',
    });
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new IdxSizeMismatchError({
      what: `the header of ${rank} dimensions`,
      expectedBytes: headerBytes,
      actualBytes: bytes.byteLength,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape: number[] = [];
  let count = 1n;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= BigInt(d);
  }
  const expected = BigInt(headerBytes) + count * BigInt(elementBytes(type));
  const actual = BigInt(fileBytes);
  if (expected !== actual) {
    throw new IdxSizeMismatchError({
      what: `header [${shape.join('×')}] ${type}`,
      expectedBytes: expected,
      actualBytes: fileBytes,
    });
  }
  return { type, shape, headerBytes, totalBytes: Number(expected) };
}

/**
 * Parses an (uncompressed) IDX file: any of the six element types, any rank, big-endian values.
 * The header is validated against the buffer's size before any allocation (see
 * {@link parseIdxHeader}). Gzip data must be decompressed first ({@link maybeGunzip}).
 *
 * @example
 * ```ts
 * const { type, shape, data } = parseIdx(maybeGunzip(readFileSync('t10k-labels-idx1-ubyte.gz')));
 * // 'uint8', [10000], Uint8Array(10000)
 * ```
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  const { type, shape, headerBytes, totalBytes } = parseIdxHeader(bytes);
  const count = (totalBytes - headerBytes) / elementBytes(type);
  return { type, shape, data: readValues(type, bytes, headerBytes, count) } as IdxArray;
}

function readValues(type: IdxElementType, bytes: Uint8Array, offset: number, count: number) {
  switch (type) {
    case 'uint8':
      return bytes.slice(offset, offset + count);
    case 'int8':
      return new Int8Array(bytes.slice(offset, offset + count).buffer);
    default: {
      const view = new DataView(
        bytes.buffer,
        bytes.byteOffset + offset,
        count * elementBytes(type),
      );
      if (type === 'int16') {
        const out = new Int16Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
        return out;
      }
      if (type === 'int32') {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
        return out;
      }
      if (type === 'float32') {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
        return out;
      }
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Writes an array as an (uncompressed) IDX file, the inverse of {@link parseIdx}. Handy to make
 * fixtures or to store a prepared subset.
 *
 * @throws {@link InvalidArgumentError} when the shape is empty, has more than 255 dimensions, a
 *   dimension that is not a uint32, or does not match the number of values.
 */
export function encodeIdx<T extends IdxElementType>(array: IdxArray<T>): Uint8Array {
  const { type, shape, data } = array;
  const Ctor = IDX_ARRAY_TYPES[type];
  if (!Ctor || !(data instanceof (Ctor as unknown as typeof Uint8Array))) {
    throw new InvalidArgumentError({
      argument: 'data',
      message: `encodeIdx: data must be the typed array of type ${type}.`,
    });
  }
  if (shape.length === 0 || shape.length > 255) {
    throw new InvalidArgumentError({
      argument: 'shape',
      message: `encodeIdx: an IDX array has 1 to 255 dimensions, got ${shape.length}.`,
    });
  }
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new InvalidArgumentError({
        argument: 'shape',
        message: `encodeIdx: dimension ${d} is not a uint32.`,
      });
    }
    count *= d;
  }
  if (count !== data.length) {
    throw new InvalidArgumentError({
      argument: 'data',
      message: `encodeIdx: shape [${shape.join('×')}] holds ${count} values, the data has ${data.length}.`,
    });
  }
  const headerBytes = 4 + 4 * shape.length;
  const size = elementBytes(type);
  const out = new Uint8Array(headerBytes + count * size);
  const view = new DataView(out.buffer);
  out[2] = TYPE_CODES[type];
  out[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  const values = data as unknown as ArrayLike<number>;
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * size;
    const v = values[i]!;
    switch (type) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      default:
        view.setFloat64(at, v, false);
    }
  }
  return out;
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  return Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join('');
}
