import { type KernelConfig, Mean } from '@tensorflow/tfjs-core';
import { wasmKernelConfig } from './heap.js';
import { leadingReduce } from './leading-reduce.js';

/** `Mean` on wasm: over leading axes in one float64 pass, otherwise the shipped kernel. */
export const meanConfig: KernelConfig = wasmKernelConfig(Mean, leadingReduce(Mean));
