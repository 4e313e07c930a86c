import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeIdx,
  type IdxArray,
  type IdxElementType,
  maybeGunzip,
  maybeGunzipAsync,
  parseIdx,
  parseIdxHeader,
  toSplit,
} from './formats.js';
import { IDX_ARRAY_TYPES, IDX_TYPES } from './idx.js';
import {
  CountMismatchError,
  FmnistDataError,
  GzipError,
  IdxFormatError,
  IdxSizeMismatchError,
  InvalidArgumentError,
  ShapeError,
} from './index.js';

/** Big-endian IDX bytes by hand: magic, dims, then raw value bytes. */
function idx(typeCode: number, dims: number[], values: number[] = []): Uint8Array {
  const header = [0, 0, typeCode, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...values]);
}

const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
const decode = (b: Uint8Array) => parseIdx(maybeGunzip(b));
const decodeAsync = async (b: Uint8Array) => parseIdx(await maybeGunzipAsync(b));

describe('parseIdx: the six element types, big-endian', () => {
  it('uint8', () => {
    const a = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(a.type).toBe('uint8');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });
  it('int8', () => {
    const a = parseIdx(idx(0x09, [4], [0x00, 0x7f, 0x80, 0xff]));
    expect(a.data).toBeInstanceOf(Int8Array);
    expect(Array.from(a.data)).toEqual([0, 127, -128, -1]);
  });
  it('int16', () => {
    const a = parseIdx(idx(0x0b, [3], [0x01, 0x02, 0xff, 0xfe, 0x80, 0x00]));
    expect(a.data).toBeInstanceOf(Int16Array);
    expect(Array.from(a.data)).toEqual([0x0102, -2, -32768]);
  });
  it('int32', () => {
    const a = parseIdx(idx(0x0c, [2], [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd]));
    expect(a.data).toBeInstanceOf(Int32Array);
    expect(Array.from(a.data)).toEqual([0x01020304, -3]);
  });
  it('float32', () => {
    // 1.5 = 0x3fc00000, -2 = 0xc0000000
    const a = parseIdx(idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]));
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([1.5, -2]);
  });
  it('float64', () => {
    // 0.1 = 0x3fb999999999999a
    const a = parseIdx(idx(0x0e, [1], [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]));
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(a.data[0]).toBe(0.1);
  });
  it('rank 4 and rank 5, row-major', () => {
    const values = Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    const a = parseIdx(idx(0x08, [2, 3, 2, 2], values));
    expect(a.shape).toEqual([2, 3, 2, 2]);
    expect(Array.from(a.data)).toEqual(values);
    const b = parseIdx(idx(0x0b, [1, 1, 1, 2, 1], [0, 7, 0x12, 0x34]));
    expect(b.shape).toEqual([1, 1, 1, 2, 1]);
    expect(Array.from(b.data)).toEqual([7, 0x1234]);
  });
  it('empty arrays (a zero dimension) are valid', () => {
    const a = parseIdx(idx(0x0d, [0, 28, 28]));
    expect(a.shape).toEqual([0, 28, 28]);
    expect(a.data.length).toBe(0);
  });
  it('returns data that owns its buffer, even from a view into a larger buffer', () => {
    const inner = idx(0x08, [3], [5, 6, 7]);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    const a = parseIdx(outer.subarray(5, 5 + inner.length));
    expect(Array.from(a.data)).toEqual([5, 6, 7]);
    expect(a.data.byteOffset).toBe(0);
    expect(a.data.buffer.byteLength).toBe(3);
  });
  it('parseIdxHeader reports the header without reading values', () => {
    expect(parseIdxHeader(idx(0x0c, [2, 5], new Array(40).fill(0)))).toEqual({
      type: 'int32',
      shape: [2, 5],
      headerBytes: 12,
      totalBytes: 52,
    });
  });
});

describe('encodeIdx ↔ parseIdx round trip (property)', () => {
  const arb = fc
    .record({
      code: fc.constantFrom(...(Object.keys(IDX_TYPES).map(Number) as (keyof typeof IDX_TYPES)[])),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    })
    .chain(({ code, shape }) => {
      const type = IDX_TYPES[code];
      const n = shape.reduce((a, b) => a * b, 1);
      const values: Record<IdxElementType, fc.Arbitrary<number>> = {
        uint8: fc.integer({ min: 0, max: 255 }),
        int8: fc.integer({ min: -128, max: 127 }),
        int16: fc.integer({ min: -32768, max: 32767 }),
        int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        float32: fc.float({ noNaN: true }),
        float64: fc.double({ noNaN: true }),
      };
      return fc
        .array(values[type], { minLength: n, maxLength: n })
        .map((v) => ({ type, shape, values: v }));
    });
  it('gives back type, shape and values for every type and rank 1..6', () => {
    fc.assert(
      fc.property(arb, ({ type, shape, values }) => {
        const data = IDX_ARRAY_TYPES[type].from(values);
        const back = parseIdx(encodeIdx({ type, shape, data } as IdxArray));
        expect(back.type).toBe(type);
        expect(back.shape).toEqual(shape);
        expect(back.data).toEqual(data);
        // And through gzip, sync and async agree.
        expect(decode(gz(encodeIdx({ type, shape, data } as IdxArray))).data).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });
  it('encodeIdx refuses inconsistent arrays', () => {
    expect(() => encodeIdx({ type: 'uint8', shape: [3], data: new Uint8Array(2) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => encodeIdx({ type: 'uint8', shape: [], data: new Uint8Array(1) })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      encodeIdx({ type: 'int16', shape: [1], data: new Uint8Array(1) } as unknown as IdxArray),
    ).toThrow(InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed inputs: each gives its typed error, fast, without allocating what the header claims.
// ---------------------------------------------------------------------------------------------

const valid = idx(
  0x08,
  [10],
  Array.from({ length: 10 }, (_, i) => i),
);
const validGz = gz(valid);
const validF64 = idx(0x0e, [2], new Array(16).fill(0));
function mutate(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const b = bytes.slice();
  b[at] = value;
  return b;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const MAX = 0xffffffff;

type ErrorClass = new (...args: never[]) => FmnistDataError;
const malformed: [string, Uint8Array, ErrorClass, string][] = [
  ['empty file', new Uint8Array(0), IdxFormatError, 'IDX_FORMAT'],
  ['one byte', Uint8Array.of(0), IdxFormatError, 'IDX_FORMAT'],
  ['three bytes of magic', Uint8Array.of(0, 0, 8), IdxFormatError, 'IDX_FORMAT'],
  ['first magic byte not zero', mutate(valid, 0, 1), IdxFormatError, 'IDX_FORMAT'],
  ['second magic byte not zero', mutate(valid, 1, 0x80), IdxFormatError, 'IDX_FORMAT'],
  ['unknown element type 0x0a', mutate(valid, 2, 0x0a), IdxFormatError, 'IDX_FORMAT'],
  ['unknown element type 0xff', mutate(valid, 2, 0xff), IdxFormatError, 'IDX_FORMAT'],
  ['element type 0x00', mutate(valid, 2, 0x00), IdxFormatError, 'IDX_FORMAT'],
  ['zero dimensions', Uint8Array.of(0, 0, 8, 0, 1, 2, 3), IdxFormatError, 'IDX_FORMAT'],
  ['text file', new TextEncoder().encode('hello, world\n'), IdxFormatError, 'IDX_FORMAT'],
  ['HTML error page', new TextEncoder().encode('<html>404</html>'), IdxFormatError, 'IDX_FORMAT'],
  [
    'rank 3, header cut after 2 dims',
    idx(0x08, [1, 28, 28]).subarray(0, 12),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'rank 255 in a 12-byte file',
    Uint8Array.of(0, 0, 8, 255, 0, 0, 0, 1, 0, 0, 0, 1),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'values cut by one byte',
    valid.subarray(0, valid.length - 1),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'float64 cut mid-element',
    validF64.subarray(0, validF64.length - 4),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'header only, values missing',
    idx(0x08, [60000, 28, 28]),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'one byte of trailing garbage',
    concat(valid, Uint8Array.of(0)),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    '1 KiB of trailing garbage',
    concat(valid, new Uint8Array(1024).fill(0xab)),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'trailing bytes after an empty array',
    idx(0x08, [0, 5], [1]),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    '4e9 uint8 elements declared in a 20-byte file',
    idx(0x08, [4e9], new Array(12).fill(0)),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    '[2³²-1]³ float64: 2⁹⁹ bytes declared',
    idx(0x0e, [MAX, MAX, MAX]),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'rank 255, every dimension 2³²-1',
    idx(0x0c, new Array(255).fill(MAX)),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'product 2⁵³+1 (inexact as a double)',
    idx(0x08, [2 ** 26 + 1, 2 ** 27 - 1]),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  ['gzip magic only', Uint8Array.of(0x1f, 0x8b), GzipError, 'GZIP_CORRUPT'],
  ['gzip header without a body', validGz.subarray(0, 10), GzipError, 'GZIP_CORRUPT'],
  ['gzip cut in half', validGz.subarray(0, validGz.length >> 1), GzipError, 'GZIP_CORRUPT'],
  [
    'gzip without its 8-byte trailer',
    validGz.subarray(0, validGz.length - 8),
    GzipError,
    'GZIP_CORRUPT',
  ],
  [
    'gzip with a wrong CRC-32',
    mutate(validGz, validGz.length - 8, validGz[validGz.length - 8]! ^ 0xff),
    GzipError,
    'GZIP_CORRUPT',
  ],
  [
    'gzip with a wrong length field',
    mutate(validGz, validGz.length - 4, validGz[validGz.length - 4]! ^ 1),
    GzipError,
    'GZIP_CORRUPT',
  ],
  ['gzip with an unknown compression method', mutate(validGz, 2, 7), GzipError, 'GZIP_CORRUPT'],
  ['gzip with a corrupt deflate stream', mutate(validGz, 10, 0xff), GzipError, 'GZIP_CORRUPT'],
  ['gzip of an empty file', gz(new Uint8Array(0)), IdxFormatError, 'IDX_FORMAT'],
  [
    'gzip of a truncated IDX file',
    gz(valid.subarray(0, 15)),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'gzip of an IDX file with trailing garbage',
    gz(concat(valid, Uint8Array.of(9, 9))),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  [
    'gzip of 4e9 declared elements',
    gz(idx(0x08, [4e9], new Array(12).fill(0))),
    IdxSizeMismatchError,
    'IDX_SIZE_MISMATCH',
  ],
  ['doubly gzipped IDX (gzip inside)', gz(validGz), IdxFormatError, 'IDX_FORMAT'],
];

describe(`${malformed.length} malformed IDX/gzip inputs`, () => {
  it.each(malformed)('%s → typed error (sync)', (_name, bytes, ErrorClass, code) => {
    const before = process.memoryUsage().arrayBuffers;
    let caught: unknown;
    try {
      decode(bytes);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ErrorClass);
    expect(caught).toBeInstanceOf(FmnistDataError);
    expect((caught as FmnistDataError).code).toBe(code);
    expect((caught as Error).message.length).toBeGreaterThan(20);
    // Nothing near what the header declares was allocated (the largest honest input is 1 KiB).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });
  it.each(malformed)(
    '%s → the same typed error (async)',
    async (_name, bytes, ErrorClass, code) => {
      const err = await decodeAsync(bytes).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ErrorClass);
      expect((err as FmnistDataError).code).toBe(code);
    },
  );
  it('reports the declared size exactly, even beyond 2⁵³', () => {
    const e = (() => {
      try {
        parseIdx(idx(0x08, [4e9], new Array(12).fill(0)));
      } catch (err) {
        return err as IdxSizeMismatchError;
      }
    })()!;
    expect(e.expectedBytes).toBe(4e9 + 8);
    expect(e.actualBytes).toBe(20);
    expect(e.message).toContain('4000000008');
  });
  it('a gzip bomb beyond maxOutputBytes is refused (GZIP_TOO_LARGE), sync and async', async () => {
    const bomb = gz(new Uint8Array(8 << 20)); // 8 MiB of zeros in ~8 KiB
    expect(bomb.length).toBeLessThan(16 * 1024);
    expect(() => maybeGunzip(bomb, { maxOutputBytes: 1 << 20 })).toThrow(
      expect.objectContaining({ code: 'GZIP_TOO_LARGE' }),
    );
    await expect(maybeGunzipAsync(bomb, { maxOutputBytes: 1 << 20 })).rejects.toMatchObject({
      code: 'GZIP_TOO_LARGE',
    });
    expect(maybeGunzip(bomb).length).toBe(8 << 20);
  });
  it('a forged gzip size field (ISIZE = 2³²-1) is only a hint: no huge allocation', async () => {
    // The trailer's size field is used only as a buffer-size hint, capped by what 23 bytes of
    // deflate could expand to; zlib's own length check then rejects the file.
    const forged = gz(Uint8Array.of(1, 2, 3)).slice();
    forged.set([0xff, 0xff, 0xff, 0xff], forged.length - 4);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => maybeGunzip(forged)).toThrow(GzipError); // the length check fails, typed
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });
  it('plain (not gzip) bytes pass through maybeGunzip untouched', () => {
    expect(maybeGunzip(valid)).toBe(valid);
  });
});

describe('fuzz (property): arbitrary bytes never crash the decoder', () => {
  const check = (bytes: Uint8Array) => {
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof FmnistDataError)) throw e;
    }
  };
  it('random bytes, with and without a valid-looking magic', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(8, 9, 11, 12, 13, 14, 0x42),
        fc.integer({ min: 0, max: 6 }),
        (tail, type, rank) => {
          check(tail);
          check(concat(Uint8Array.of(0, 0, type, rank), tail));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('random byte flips and cuts of a valid gzip file', () => {
    const base = gz(idx(0x0b, [4, 5], new Array(40).fill(3)));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: base.length }),
        (at, value, cut) => {
          check(mutate(base, at, value).subarray(0, cut));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('dataset-level checks (toSplit)', () => {
  const images = (n: number, type: IdxElementType = 'uint8'): IdxArray =>
    ({ type, shape: [n, 28, 28], data: new Uint8Array(n * 784) }) as IdxArray;
  const labels = (values: number[]): IdxArray => ({
    type: 'uint8',
    shape: [values.length],
    data: Uint8Array.from(values),
  });
  it('accepts uint8 N×28×28 images with N labels', () => {
    expect(toSplit(images(2), labels([0, 9])).count).toBe(2);
  });
  it('wrong element type for images → ShapeError', () => {
    expect(() => toSplit(images(2, 'float32'), labels([0, 1]))).toThrow(ShapeError);
  });
  it('28×27 images → ShapeError', () => {
    const bad = { type: 'uint8', shape: [1, 28, 27], data: new Uint8Array(28 * 27) } as IdxArray;
    expect(() => toSplit(bad, labels([0]))).toThrow(ShapeError);
  });
  it('labels of rank 2 → ShapeError', () => {
    const bad = { type: 'uint8', shape: [1, 1], data: new Uint8Array(1) } as IdxArray;
    expect(() => toSplit(images(1), bad)).toThrow(ShapeError);
  });
  it('label 10 → ShapeError', () => {
    expect(() => toSplit(images(2), labels([0, 10]))).toThrow(/label 10 at index 1/);
  });
  it('3 images, 2 labels → CountMismatchError with both counts', () => {
    const e = (() => {
      try {
        toSplit(images(3), labels([0, 1]));
      } catch (err) {
        return err;
      }
    })() as CountMismatchError;
    expect(e).toBeInstanceOf(CountMismatchError);
    expect(e.code).toBe('COUNT_MISMATCH');
    expect([e.images, e.labels]).toEqual([3, 2]);
  });
});
