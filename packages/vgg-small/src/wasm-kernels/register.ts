import {
  getGradient,
  getKernel,
  type KernelConfig,
  registerGradient,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { WasmBackendMissingError } from '../errors.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { castConfig } from './cast.js';
import type { WasmTrainingKernelName } from './catalog.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { batchNormGradConfig, fusedBatchNormGradConfig } from './fused-batch-norm-grad.js';
import { BACKEND } from './heap.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig } from './mean.js';
import { registryState } from './registry.js';
import { sumConfig } from './sum.js';
import { tileConfig } from './tile.js';

/** Every kernel's config, by name (in registration order). */
const KERNEL_CONFIGS: Record<WasmTrainingKernelName, KernelConfig> = {
  Conv2DBackpropFilter: conv2DBackpropFilterConfig,
  Conv2DBackpropInput: conv2DBackpropInputConfig,
  BatchMatMul: batchMatMulConfig,
  Sum: sumConfig,
  Mean: meanConfig,
  Tile: tileConfig,
  MaxPoolGrad: maxPoolGradConfig,
  Identity: identityConfig,
  Cast: castConfig,
  FusedBatchNormGrad: fusedBatchNormGradConfig,
};

/** Whether {@link registerWasmTrainingKernels} is in effect. */
export function wasmTrainingKernelsRegistered(): boolean {
  return registryState().count > 0;
}

/**
 * Registers the kernels training needs on the tfjs wasm backend ({@link WASM_TRAINING_KERNELS}):
 * `Conv2DBackpropFilter`, which tfjs-backend-wasm 4.22 lacks, and faster versions of six kernels
 * whose shipped versions dominate a training step. Each is checked against the cpu backend in this
 * package's tests.
 *
 * Import `@tensorflow/tfjs-backend-wasm` first; the call may come before or after
 * `tf.setBackend('wasm')`. Calls nest: each returns its own `unregister` function (idempotent), and
 * the shipped kernels come back when the last registration is undone.
 *
 * @param options.kernels Register only these (for benchmarks, e.g. `['Conv2DBackpropFilter']` to
 *   measure the shipped kernels); the first registration decides, nested calls add nothing.
 * @throws {@link WasmBackendMissingError} when the wasm backend's kernels are not loaded.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * const unregister = registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * // ... train ...
 * unregister();
 * ```
 */
export function registerWasmTrainingKernels(
  options: { kernels?: readonly WasmTrainingKernelName[] } = {},
): () => void {
  const state = registryState();
  if (state.count === 0) {
    if (!getKernel('BatchMatMul', BACKEND) || !getKernel('Conv2D', BACKEND)) {
      throw new WasmBackendMissingError();
    }
    state.originals.clear();
    const names = options.kernels ?? (Object.keys(KERNEL_CONFIGS) as WasmTrainingKernelName[]);
    for (const name of names) {
      const original = getKernel(name, BACKEND);
      state.originals.set(name, original);
      if (original) unregisterKernel(name, BACKEND);
      registerKernel({
        ...KERNEL_CONFIGS[name],
        // The shipped kernels we delegate to need their wasm functions bound when the backend starts.
        ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      });
    }
    const bnGrad = getGradient('FusedBatchNorm');
    if (names.includes('FusedBatchNormGrad') && bnGrad) {
      state.batchNormGrad = bnGrad;
      registerGradient(batchNormGradConfig(bnGrad));
    }
  }
  state.count++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.count--;
    if (state.count > 0) return;
    for (const [name, original] of state.originals) {
      unregisterKernel(name, BACKEND);
      if (original) registerKernel(original);
    }
    state.originals.clear();
    if (state.batchNormGrad) registerGradient(state.batchNormGrad);
    state.batchNormGrad = undefined;
  };
}
