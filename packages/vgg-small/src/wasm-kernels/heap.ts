import type {
  DataId,
  DataType,
  KernelConfig,
  KernelFunc,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WasmTrainingKernelName } from './catalog.js';

/** The backend these kernels are registered on. */
export const BACKEND = 'wasm';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. Every one is a public method of
 * that class in 4.22; typing them structurally keeps `@tensorflow/tfjs-backend-wasm` out of this
 * package's dependencies.
 */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
  /** Optional so that a backend without reference counting falls back to a copy. */
  incRef?(dataId: DataId): void;
}

/** What tfjs hands a kernel, with the kernel's own inputs and attrs (tfjs-core's `XxxAttrs` types). */
export interface WasmKernelArgs<I extends NamedTensorInfoMap, A> {
  inputs: I;
  backend: WasmHeapBackend;
  attrs: A;
}

/**
 * A kernel's `KernelConfig` for the wasm backend, as tfjs-backend-wasm's own `src/kernels/*.ts`
 * write it. tfjs's registry types every kernel as taking any attrs (`NamedAttrMap`); the kernel's
 * typed signature is its contract with the op that calls it, and this is the one place that
 * widens it (tfjs-backend-wasm casts `kernelFunc as unknown as KernelFunc` in each file instead).
 */
export function wasmKernelConfig<I extends NamedTensorInfoMap, A>(
  kernelName: WasmTrainingKernelName,
  kernelFunc: (args: WasmKernelArgs<I, A>) => TensorInfo | TensorInfo[],
): KernelConfig {
  return { kernelName, backendName: BACKEND, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** A float32 tensor's data, as a view of the wasm heap (valid until the heap grows). */
export function heapF32(backend: WasmHeapBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}
