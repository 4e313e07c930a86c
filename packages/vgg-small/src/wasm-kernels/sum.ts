import { type KernelConfig, Sum } from '@tensorflow/tfjs-core';
import { wasmKernelConfig } from './heap.js';
import { leadingReduce } from './leading-reduce.js';

/** `Sum` on wasm: over leading axes in one float64 pass, otherwise the shipped kernel. */
export const sumConfig: KernelConfig = wasmKernelConfig(Sum, leadingReduce(Sum));
