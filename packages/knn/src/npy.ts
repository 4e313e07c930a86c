/**
 * @internal Minimal .npy (NumPy format 1.0) read/write for C-ordered uint8 / int32 / float32 /
 * float64 arrays, so that `@fmnist/knn/sklearn` and the benchmarks can hand the same arrays to
 * Python. Writes are atomic.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

type NpyArray = Uint8Array | Int32Array | Float32Array | Float64Array;

/** NumPy's name of the element type (a Node `Buffer` is a `Uint8Array`). */
function descrOf(a: NpyArray): string {
  if (a instanceof Uint8Array) return '|u1';
  if (a instanceof Int32Array) return '<i4';
  return a instanceof Float32Array ? '<f4' : '<f8';
}

export function writeNpy(path: string, a: NpyArray, shape: readonly number[]): void {
  const descr = descrOf(a);
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
  renameSync(tmp, path);
}

export function readNpyInt32(path: string): Int32Array {
  const b = readFileSync(path);
  const hl = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hl).toString('latin1');
  if (!header.includes("'<i4'")) throw new Error(`${path}: expected int32, got ${header}`);
  return view(b.subarray(10 + hl), Int32Array);
}

type Ctor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
};

/**
 * The body's values in place when they are aligned for the type (NumPy pads headers so that they
 * are), else in a copy: no second copy of a large file in memory (the benchmark measures peak RSS).
 */
function view<T>(body: Buffer, Type: Ctor<T>): T {
  const size = Type.BYTES_PER_ELEMENT;
  const length = Math.floor(body.byteLength / size);
  if (body.byteOffset % size === 0) return new Type(body.buffer, body.byteOffset, length);
  const copy = body.buffer.slice(body.byteOffset, body.byteOffset + length * size);
  return new Type(copy, 0, length);
}

/** Any array {@link writeNpy} writes (little-endian, C order), with its shape. */
export function readNpy(path: string): { data: NpyArray; shape: number[] } {
  const b = readFileSync(path);
  const hl = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hl).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
  if (header.includes("'fortran_order': True")) throw new Error(`${path}: Fortran order`);
  const body = b.subarray(10 + hl);
  const data =
    descr === '|u1'
      ? view(body, Uint8Array)
      : descr === '<i4'
        ? view(body, Int32Array)
        : descr === '<f4'
          ? view(body, Float32Array)
          : descr === '<f8'
            ? view(body, Float64Array)
            : undefined;
  if (!data) throw new Error(`${path}: unsupported dtype ${descr}`);
  return { data, shape };
}
