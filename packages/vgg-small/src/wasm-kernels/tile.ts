import {
  type KernelConfig,
  type TensorInfo,
  Tile,
  type TileAttrs,
  type TileInputs,
  util,
} from '@tensorflow/tfjs-core';
import { type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';

/** Tile by block copies: each axis writes its first block, then duplicates it `reps` times. */
function tile({ inputs, backend: be, attrs }: WasmKernelArgs<TileInputs, TileAttrs>): TensorInfo {
  const x = inputs.x!;
  const { reps } = attrs;
  if (x.dtype === 'string' || x.shape.length === 0) {
    return callShipped('Tile', inputs, be, attrs);
  }
  const rank = x.shape.length;
  const inShape = x.shape;
  const outShape = inShape.map((s, i) => s * reps[i]!);
  const out = be.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const inStrides = new Array<number>(rank);
  const outStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  outStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) {
    inStrides[i] = inStrides[i + 1]! * inShape[i + 1]!;
    outStrides[i] = outStrides[i + 1]! * outShape[i + 1]!;
  }
  const fill = (dim: number, inOff: number, outOff: number): void => {
    const n = inShape[dim]!;
    if (dim === rank - 1) {
      dst.set(src.subarray(inOff, inOff + n), outOff);
    } else {
      for (let i = 0; i < n; i++)
        fill(dim + 1, inOff + i * inStrides[dim]!, outOff + i * outStrides[dim]!);
    }
    const block = n * outStrides[dim]!;
    for (let r = 1; r < reps[dim]!; r++) dst.copyWithin(outOff + r * block, outOff, outOff + block);
  };
  fill(0, 0, 0);
  return out;
}

/** `Tile` on wasm. */
export const tileConfig: KernelConfig = wasmKernelConfig(Tile, tile);
