import {
  Identity,
  type IdentityInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';
import { shareBuffer } from './share-buffer.js';

/** Identity without a copy: gradients pass through Identity hundreds of times a step. */
function identity({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs<IdentityInputs, Record<string, never>>): TensorInfo {
  return shareBuffer(backend, inputs.x!) ?? callShipped('Identity', inputs, backend, attrs);
}

/** `Identity` on wasm. */
export const identityConfig: KernelConfig = wasmKernelConfig(Identity, identity);
