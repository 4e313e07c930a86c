/**
 * The wasm kernels training needs: one file per kernel, each exporting its tfjs `KernelConfig`
 * (as tfjs-backend-wasm's own `src/kernels/` do), shared helpers (`heap.ts`, `registry.ts`,
 * `conv-info.ts`, `leading-reduce.ts`, `share-buffer.ts`) and one registration module
 * (`register.ts`). Only the registration API below is public.
 * @module
 */
export { WASM_TRAINING_KERNELS } from './catalog.js';
export { registerWasmTrainingKernels, wasmTrainingKernelsRegistered } from './register.js';
