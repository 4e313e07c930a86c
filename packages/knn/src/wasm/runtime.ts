import { MemoryLimitError } from '../errors.js';
import { KERNELS_SHARED_WASM, KERNELS_WASM } from './kernels.generated.js';

/** The functions exported by the kernels module (assembly/index.ts). */
export interface KernelExports {
  sqU8(a: number, b: number, len: number): number;
  l1U8(a: number, b: number, len: number): number;
  dotU8(a: number, b: number, len: number): number;
  sqF32(a: number, b: number, d: number): number;
  bruteRange(model: number, work: number, q0: number, q1: number, outRow0: number): void;
  prunedRange(model: number, work: number, q0: number, q1: number, outRow0: number): void;
  matmulRange(model: number, work: number, q0: number, q1: number, outRow0: number): void;
  matmulRowsA(model: number, out: number, r0: number, r1: number): void;
  matmulRowsB(model: number, out: number, r0: number, r1: number, inv: number): void;
  projectTrain(model: number, work: number, r0: number, r1: number): void;
  gramCols(xt: number, mp: number, ld: number, d: number, i0: number, i1: number, g: number): void;
  centerRowsT(
    model: number,
    rows: number,
    m: number,
    xt: number,
    mp: number,
    scratch: number,
  ): void;
  symv(a: number, ld: number, d: number, x: number, y: number): void;
}

/** Names of the kernels a job may call. */
export type KernelName =
  | 'bruteRange'
  | 'prunedRange'
  | 'matmulRange'
  | 'matmulRowsA'
  | 'matmulRowsB'
  | 'projectTrain'
  | 'gramCols';

const PAGE = 65536;
/** 4 GiB: the most a 32-bit WebAssembly memory can address. */
const MAX_PAGES = 65536;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let simd: boolean | undefined;

/** Whether this JavaScript engine runs WebAssembly with SIMD (Node ≥ 16, current browsers). */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(KERNELS_WASM));
    } catch {
      simd = false;
    }
  }
  return simd;
}

/**
 * `p`, with a timer holding Node's event loop open until it settles. A pending WebAssembly.compile
 * holds no event-loop handle: a script awaiting nothing else would find its loop empty and, in
 * Node 20, stall in the platform's task drain until a delayed V8 task came due (40 s and more,
 * seen in 1 run of 5). Harmless elsewhere.
 */
function keepAlive<T>(p: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 2 ** 30);
  return p.finally(() => clearInterval(timer));
}

const modules = new Map<boolean, Promise<WebAssembly.Module>>();

/** The compiled kernels module (compiled once per process and variant). */
function kernelsModule(shared: boolean): Promise<WebAssembly.Module> {
  let p = modules.get(shared);
  if (!p) {
    p = keepAlive(WebAssembly.compile(decodeBase64(shared ? KERNELS_SHARED_WASM : KERNELS_WASM)));
    modules.set(shared, p);
  }
  return p;
}

/**
 * Starts compiling the kernels module in the background (fit() calls it, so that the first search
 * finds it compiled). Errors surface later, where the module is used.
 */
export function preloadKernels(shared: boolean): void {
  if (wasmSimdSupported()) kernelsModule(shared).catch(() => undefined);
}

/**
 * One WebAssembly memory with a bump allocator, and the kernels instantiated on it for the
 * calling thread. Worker threads instantiate the same module on the same (shared) memory.
 */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly kernels: KernelExports;
  readonly shared: boolean;
  private top = 1024;

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean) {
    this.module = module;
    this.memory = memory;
    this.shared = shared;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.kernels = instance.exports as unknown as KernelExports;
  }

  static async create(shared: boolean): Promise<WasmHeap> {
    const module = await kernelsModule(shared);
    const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared });
    return new WasmHeap(module, memory, shared);
  }

  /**
   * A heap on a shared memory that already holds data below `top` (the training rows fit() wrote
   * there: `ResidentRows`); allocations start above it.
   */
  static async adopt(memory: WebAssembly.Memory, top: number): Promise<WasmHeap> {
    const heap = new WasmHeap(await kernelsModule(true), memory, true);
    heap.top = Math.max(heap.top, Math.ceil(top / 16) * 16);
    return heap;
  }

  /** Bytes in use. */
  get used(): number {
    return this.top;
  }

  /** Reserves `bytes` (aligned to 16) and returns the offset. The memory grows as needed. */
  alloc(bytes: number, align = 16): number {
    const start = Math.ceil(this.top / align) * align;
    const end = start + Math.max(0, Math.ceil(bytes));
    if (end > MAX_PAGES * PAGE) {
      throw new MemoryLimitError({ bytes: end });
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        throw new MemoryLimitError({ bytes: end, cause: e });
      }
    }
    this.top = end;
    return start;
  }

  /** Allocates and zero-fills. */
  allocZeroed(bytes: number, align = 16): number {
    const p = this.alloc(bytes, align);
    this.u8().fill(0, p, p + bytes);
    return p;
  }

  /** The current top, to {@link release} everything allocated after it. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  // Views are made on demand: a grown memory detaches a plain ArrayBuffer's old views.
  u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
  i32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }
  f32(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }
  f64(): Float64Array {
    return new Float64Array(this.memory.buffer);
  }

  /** Writes an i32 slot of a context block. */
  setI(ctx: number, slot: number, v: number): void {
    new Int32Array(this.memory.buffer, ctx, 64)[slot] = v;
  }
  getI(ctx: number, slot: number): number {
    return new Int32Array(this.memory.buffer, ctx, 64)[slot];
  }
  /** Writes an f64 slot of a context block. */
  setF(ctx: number, slot: number, v: number): void {
    new Float64Array(this.memory.buffer, ctx + 256, 32)[slot] = v;
  }
}
