import {
  engine,
  type FusedBatchNormAttrs,
  type GradConfig,
  getBackend,
  getKernel,
  type KernelConfig,
  type Tensor,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { BACKEND, heapF32, type WasmKernelArgs, wasmKernelConfig } from './heap.js';

/** The name of the kernel below; tfjs has no such kernel of its own. */
const FusedBatchNormGrad = 'FusedBatchNormGrad';

/** The inputs of {@link fusedBatchNormGrad}: FusedBatchNorm's, with `dy` for the output gradient. */
interface FusedBatchNormGradInputs {
  [name: string]: TensorInfo | undefined;
  x: TensorInfo;
  dy: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  scale?: TensorInfo;
}

/**
 * All five gradients of y = (x − mean)·rsqrt(variance + ε)·scale + offset, per channel (last axis):
 * dx = dy·scale·r, d offset = Σdy, d scale = r·Σdy(x−mean), d mean = −r·scale·Σdy,
 * d variance = −½·r³·scale·Σdy(x−mean), with r = rsqrt(variance + ε). Sums in float64.
 */
function fusedBatchNormGrad({
  inputs,
  backend: be,
  attrs,
}: WasmKernelArgs<FusedBatchNormGradInputs, FusedBatchNormAttrs>): TensorInfo[] {
  const { x, dy, mean, variance, scale } = inputs;
  const eps = attrs.varianceEpsilon;
  const C = mean.shape[0]!;
  const rows = util.sizeFromShape(x.shape) / C;
  const xs = heapF32(be, x);
  const g = heapF32(be, dy);
  const mu = heapF32(be, mean);
  const va = heapF32(be, variance);
  const sc = scale ? heapF32(be, scale) : undefined;
  const sumDy = new Float64Array(C);
  const sumDyXm = new Float64Array(C);
  // Four rows per pass over the channel accumulators (as in leadingReduce).
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const i0 = r * C;
    const i1 = i0 + C;
    const i2 = i1 + C;
    const i3 = i2 + C;
    for (let c = 0; c < C; c++) {
      const mc = mu[c]!;
      const d0 = g[i0 + c]!;
      const d1 = g[i1 + c]!;
      const d2 = g[i2 + c]!;
      const d3 = g[i3 + c]!;
      sumDy[c]! += d0 + d1 + (d2 + d3);
      sumDyXm[c]! +=
        d0 * (xs[i0 + c]! - mc) +
        d1 * (xs[i1 + c]! - mc) +
        (d2 * (xs[i2 + c]! - mc) + d3 * (xs[i3 + c]! - mc));
    }
  }
  for (; r < rows; r++) {
    const i0 = r * C;
    for (let c = 0; c < C; c++) {
      const d = g[i0 + c]!;
      sumDy[c]! += d;
      sumDyXm[c]! += d * (xs[i0 + c]! - mu[c]!);
    }
  }
  const k = new Float64Array(C);
  const dx = be.makeOutput(x.shape, 'float32');
  const dMean = be.makeOutput([C], 'float32');
  const dVar = be.makeOutput([C], 'float32');
  const dScale = be.makeOutput([C], 'float32');
  const dOffset = be.makeOutput([C], 'float32');
  const m = heapF32(be, dMean);
  const v = heapF32(be, dVar);
  const s = heapF32(be, dScale);
  const o = heapF32(be, dOffset);
  for (let c = 0; c < C; c++) {
    const rs = 1 / Math.sqrt(va[c]! + eps);
    const gamma = sc ? sc[c]! : 1;
    k[c] = gamma * rs;
    m[c] = -rs * gamma * sumDy[c]!;
    v[c] = -0.5 * rs * rs * rs * gamma * sumDyXm[c]!;
    s[c] = rs * sumDyXm[c]!;
    o[c] = sumDy[c]!;
  }
  const out = heapF32(be, dx);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) out[i] = g[i]! * k[c]!;
  }
  return [dx, dMean, dVar, dScale, dOffset];
}

/**
 * The FusedBatchNorm gradient while the kernels are registered: on wasm, with per-channel (rank-1)
 * statistics in float32, one FusedBatchNormGrad kernel; everywhere else tfjs-core's own gradient.
 */
export function batchNormGradConfig(original: GradConfig): GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
      const grad = dy as Tensor;
      const C = mean.shape[0];
      const fusable =
        getBackend() === BACKEND &&
        getKernel(FusedBatchNormGrad, BACKEND) !== undefined &&
        mean.rank === 1 &&
        variance.rank === 1 &&
        (scale == null || scale.rank === 1) &&
        x.shape[x.rank - 1] === C &&
        [x, grad, mean, variance].every((t) => t.dtype === 'float32');
      if (!fusable) return original.gradFunc(dy, saved, attrs);
      // Run now, not in the thunks: the tape calls each thunk in its own tidy, which would dispose
      // the other four results. Those not used are disposed with the gradient computation's scope.
      const [dx, dMean, dVar, dScale, dOffset] = engine().runKernel(
        FusedBatchNormGrad,
        { x, dy: grad, mean, variance, ...(scale ? { scale } : {}) },
        attrs,
      ) as Tensor[];
      return {
        x: () => dx!,
        mean: () => dMean!,
        variance: () => dVar!,
        scale: () => dScale!,
        offset: () => dOffset!,
      };
    },
  };
}

/** `FusedBatchNormGrad` on wasm (a kernel of this package's own; see {@link batchNormGradConfig}). */
export const fusedBatchNormGradConfig: KernelConfig = wasmKernelConfig(
  FusedBatchNormGrad,
  fusedBatchNormGrad,
);
