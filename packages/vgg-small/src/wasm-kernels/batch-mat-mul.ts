import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type KernelConfig,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type WasmHeapBackend, type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';

/** Copies `x` with its last two axes swapped into a new heap tensor (in 32×32 tiles). */
function transposeLastTwo(be: WasmHeapBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const R = x.shape[rank - 2]!;
  const C = x.shape[rank - 1]!;
  const batch = util.sizeFromShape(x.shape.slice(0, rank - 2));
  const shape = [...x.shape.slice(0, rank - 2), C, R];
  const out = be.makeOutput(shape, x.dtype);
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const T = 32;
  for (let b = 0; b < batch; b++) {
    const off = b * R * C;
    for (let r0 = 0; r0 < R; r0 += T) {
      const r1 = Math.min(R, r0 + T);
      for (let c0 = 0; c0 < C; c0 += T) {
        const c1 = Math.min(C, c0 + T);
        for (let c = c0; c < c1; c++) {
          const d = off + c * R;
          for (let r = r0; r < r1; r++) dst[d + r] = src[off + r * C + c]!;
        }
      }
    }
  }
  return out;
}

/** Output rows up to which a transposeB product stays on the shipped kernel (measured crossover). */
const SMALL_MATMUL_ROWS = 16;

/**
 * a·b with transposed operands by transposing first (in 32×32 tiles), then the shipped kernel's
 * fast path; untransposed products, and transposeB ones with few output rows, go to the shipped
 * kernel directly.
 */
function batchMatMul({
  inputs,
  backend: be,
  attrs,
}: WasmKernelArgs<BatchMatMulInputs, BatchMatMulAttrs>): TensorInfo {
  const a = inputs.a!;
  const b = inputs.b!;
  const { transposeA, transposeB } = attrs;
  // With few output rows, transposing a large b costs more than the shipped kernel's slow path.
  const rank = a.shape.length;
  const outRows =
    util.sizeFromShape(a.shape.slice(0, rank - 2)) * a.shape[transposeA ? rank - 1 : rank - 2]!;
  if ((!transposeA && !transposeB) || (transposeB && !transposeA && outRows <= SMALL_MATMUL_ROWS)) {
    return callShipped('BatchMatMul', inputs, be, attrs);
  }
  const at = transposeA ? transposeLastTwo(be, a) : a;
  const bt = transposeB ? transposeLastTwo(be, b) : b;
  try {
    return callShipped('BatchMatMul', { a: at, b: bt }, be, {
      transposeA: false,
      transposeB: false,
    });
  } finally {
    if (at !== a) be.disposeData(at.dataId);
    if (bt !== b) be.disposeData(bt.dataId);
  }
}

/** `BatchMatMul` on wasm. */
export const batchMatMulConfig: KernelConfig = wasmKernelConfig(BatchMatMul, batchMatMul);
