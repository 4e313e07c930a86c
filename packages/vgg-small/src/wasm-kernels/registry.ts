import {
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type CastAttrs,
  type CastInputs,
  type Conv2DAttrs,
  type Conv2DInputs,
  type GradConfig,
  getKernel,
  type IdentityInputs,
  type KernelConfig,
  type MeanAttrs,
  type MeanInputs,
  type NamedAttrMap,
  type SumAttrs,
  type SumInputs,
  type TensorInfo,
  type TileAttrs,
  type TileInputs,
} from '@tensorflow/tfjs-core';
import { WasmBackendMissingError } from '../errors.js';
import { BACKEND, type WasmHeapBackend } from './heap.js';

/** What `registerWasmTrainingKernels()` replaced, and how many registrations are in effect. */
export interface RegistryState {
  count: number;
  /** The shipped kernel each registered one replaced (undefined where there was none). */
  originals: Map<string, KernelConfig | undefined>;
  /** tfjs-core's FusedBatchNorm gradient, while ours stands in for it. */
  batchNormGrad?: GradConfig;
}

// One record per process, shared by the ESM and CJS builds (both use tfjs-core's global registry).
const STATE_KEY = Symbol.for('@fmnist/vgg-small/wasm-training-kernels');

/** The process-wide registration record (created on first use). */
export function registryState(): RegistryState {
  const g = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  let state = g[STATE_KEY];
  if (!state) {
    state = { count: 0, originals: new Map() };
    g[STATE_KEY] = state;
  }
  return state;
}

/** The shipped wasm kernels ours delegate to, with their inputs and attrs as tfjs-core types them. */
interface ShippedKernels {
  BatchMatMul: { inputs: BatchMatMulInputs; attrs: BatchMatMulAttrs };
  Cast: { inputs: CastInputs; attrs: CastAttrs };
  Conv2D: { inputs: Conv2DInputs; attrs: Conv2DAttrs };
  Identity: { inputs: IdentityInputs; attrs: Record<string, never> };
  Mean: { inputs: MeanInputs; attrs: MeanAttrs };
  Sum: { inputs: SumInputs; attrs: SumAttrs };
  Tile: { inputs: TileInputs; attrs: TileAttrs };
}

/**
 * Runs the wasm backend's shipped kernel `name` (the one ours replaced, while registered), e.g. the
 * forward XNNPACK Conv2D, or the shipped Sum for the reductions ours does not speed up.
 */
export function callShipped<K extends keyof ShippedKernels>(
  name: K,
  inputs: ShippedKernels[K]['inputs'],
  backend: WasmHeapBackend,
  attrs: ShippedKernels[K]['attrs'],
): TensorInfo {
  const config = registryState().originals.get(name) ?? getKernel(name, BACKEND);
  if (!config) throw new WasmBackendMissingError();
  // The registry's untyped side: the attrs were checked against the kernel's own type above.
  return config.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}
