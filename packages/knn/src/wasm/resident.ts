import type { Matrix } from '../matrix.js';
import { f32Stride, u8Stride } from './layout.js';

const PAGE = 65536;
/** 4 GiB: the most a 32-bit WebAssembly memory can address. */
const MAX_PAGES = 65536;
/** Where the rows start: the heap keeps its first KiB free, as {@link WasmHeap} does. */
const ROWS_AT = 1024;

/**
 * Training rows that fit() wrote straight into a shared WebAssembly memory, in the layout the
 * kernels read, so that the search adopts them instead of copying them again: one copy of the
 * training set in memory, not two. The first search to {@link claimRows} them owns the memory.
 */
export interface ResidentRows {
  readonly memory: WebAssembly.Memory;
  /** Byte offset of row 0. */
  readonly ptr: number;
  /** Bytes per row (the row's values, no padding: only rows that need none are made resident). */
  readonly stride: number;
  /** Whether a search has adopted the memory (a later search copies the rows instead). */
  claimed: boolean;
  /**
   * Set once the owner's pruned index has stored the rows in its own order: the original index of
   * the row at each position. Read the rows in the caller's order through {@link orderedData}.
   */
  order?: Int32Array;
}

/**
 * A shared WebAssembly memory holding `n` rows of `d` values of `kind`, and a view of those values
 * to fill, or undefined when rows of this width need padding (the kernels read whole 16-byte
 * vectors) or this JavaScript engine has no shared WebAssembly memory (a browser page that is not
 * cross-origin isolated): the caller then keeps an ordinary array, and the search copies it.
 */
export function reserveRows(
  kind: 'u8' | 'f32',
  n: number,
  d: number,
): { resident: ResidentRows; data: Uint8Array | Float32Array } | undefined {
  const bytes = kind === 'u8' ? 1 : 4;
  const stride = kind === 'u8' ? u8Stride(d) : f32Stride(d);
  if (stride !== d * bytes || typeof SharedArrayBuffer === 'undefined') return undefined;
  const end = ROWS_AT + n * stride;
  const pages = Math.ceil(end / PAGE) + 16;
  if (pages > MAX_PAGES) return undefined;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  } catch {
    return undefined;
  }
  const data =
    kind === 'u8'
      ? new Uint8Array(memory.buffer, ROWS_AT, n * d)
      : new Float32Array(memory.buffer, ROWS_AT, n * d);
  return { resident: { memory, ptr: ROWS_AT, stride, claimed: false }, data };
}

/** The rows of `m` in the caller's order: `m.data` itself, or a copy when an index reordered them. */
export function orderedData(m: Matrix): Uint8Array | Float32Array {
  const order = m.resident?.order;
  if (!order) return m.data;
  const { d } = m;
  const out = m.kind === 'u8' ? new Uint8Array(m.n * d) : new Float32Array(m.n * d);
  for (let p = 0; p < m.n; p++) out.set(m.data.subarray(p * d, (p + 1) * d), order[p] * d);
  return out;
}

/** `m` with its rows in the caller's order (itself unless an index reordered them). */
export function ordered(m: Matrix): Matrix {
  if (!m.resident?.order) return m;
  return { kind: m.kind, data: orderedData(m), n: m.n, d: m.d, maxAbs: m.maxAbs };
}
