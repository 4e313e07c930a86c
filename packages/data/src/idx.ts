import { IdxFormatError, IdxSizeMismatchError } from './errors.js';

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

type IdxDataFor<T extends IdxElementType> = T extends 'uint8'
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
  data: IdxDataFor<T>;
}

const BYTES: Record<IdxElementType, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

/**
 * Parses an (uncompressed) IDX file. The header is validated against the buffer's size before any
 * allocation, so a corrupt header cannot make it allocate gigabytes. Multi-byte values are read as
 * big-endian, as the format requires.
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.byteLength < 4) {
    throw new IdxFormatError(
      `IDX file too short: ${bytes.byteLength} bytes, the header alone needs at least 4.`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      `Bad IDX magic number 0x${hex(bytes, 0, 4)}: the first two bytes must be zero. Is this an IDX file (or a corrupt download)?`,
    );
  }
  const typeCode = bytes[2]!;
  const type = IDX_TYPES[typeCode as keyof typeof IDX_TYPES];
  if (!type) {
    throw new IdxFormatError(
      `Unknown IDX element type 0x${typeCode.toString(16).padStart(2, '0')}; expected one of 08, 09, 0b, 0c, 0d, 0e.`,
    );
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new IdxFormatError('IDX file declares zero dimensions.');
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new IdxSizeMismatchError(
      `Truncated IDX header: ${rank} dimensions need ${headerBytes} header bytes, the file has ${bytes.byteLength}.`,
      headerBytes,
      bytes.byteLength,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const bytesPer = BYTES[type];
  const expected = headerBytes + count * bytesPer;
  const actual = bytes.byteLength;
  if (expected !== actual) {
    throw new IdxSizeMismatchError(
      expected > actual
        ? `Truncated IDX file: header [${shape.join('×')}] ${type} needs ${expected} bytes, the file has ${actual}.`
        : `IDX file has ${actual - expected} bytes of trailing data after [${shape.join('×')}] ${type} (${expected} bytes expected).`,
      expected,
      actual,
    );
  }
  return { type, shape, data: readValues(type, bytes, headerBytes, count) } as IdxArray;
}

function readValues(type: IdxElementType, bytes: Uint8Array, offset: number, count: number) {
  switch (type) {
    case 'uint8':
      return bytes.slice(offset, offset + count);
    case 'int8':
      return new Int8Array(bytes.slice(offset, offset + count).buffer);
    default: {
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * BYTES[type]);
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

function hex(bytes: Uint8Array, from: number, to: number): string {
  return Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join('');
}
