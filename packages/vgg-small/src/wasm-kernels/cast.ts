import {
  Cast,
  type CastAttrs,
  type CastInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';
import { shareBuffer } from './share-buffer.js';

/**
 * A cast to the dtype the tensor already has (moments() casts every activation) shares the buffer;
 * a real conversion goes to the shipped kernel.
 */
function cast({ inputs, backend, attrs }: WasmKernelArgs<CastInputs, CastAttrs>): TensorInfo {
  const x = inputs.x!;
  const same = x.dtype === attrs.dtype;
  return (same && shareBuffer(backend, x)) || callShipped('Cast', inputs, backend, attrs);
}

/** `Cast` on wasm. */
export const castConfig: KernelConfig = wasmKernelConfig(Cast, cast);
