import {
  backend_util,
  type KernelConfig,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { heapF32, type WasmKernelArgs, wasmKernelConfig } from './heap.js';

/** dx[argmax of each window] += dy, with the cpu backend's tie rule (first maximum in scan order). */
function maxPoolGrad({
  inputs,
  backend: be,
  attrs,
}: WasmKernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs>): TensorInfo {
  const dy = inputs.dy!;
  const input = inputs.input!;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const {
    batchSize: B,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
  } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = be.makeOutput(input.shape, 'float32');
  const dx = heapF32(be, out);
  const xs = heapF32(be, input);
  const g = heapF32(be, dy);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * sh - pt;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(H, r0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * sw - pl;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(W, c0 + fw);
        const gBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = rLo; r < rHi; r++) {
            let idx = ((b * H + r) * W + cLo) * C + c;
            for (let q = cLo; q < cHi; q++, idx += C) {
              const v = xs[idx]!;
              if (v > best) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at]! += g[gBase + c]!;
        }
      }
    }
  }
  return out;
}

/** `MaxPoolGrad` on wasm. */
export const maxPoolGradConfig: KernelConfig = wasmKernelConfig(MaxPoolGrad, maxPoolGrad);
