import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convDims, convInfo } from './conv-info.js';
import { heapF32, type WasmKernelArgs, wasmKernelConfig } from './heap.js';
import { callShipped } from './registry.js';

/**
 * dx = conv2d(dy stuffed with stride−1 zeros, filter flipped in space with in/out swapped), padded
 * so the output has the input's size: the forward wasm Conv2D kernel (XNNPACK) does the work.
 */
function conv2DBackpropInput({
  inputs,
  backend: be,
  attrs,
}: WasmKernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>): TensorInfo {
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(
    convInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs),
  );

  // Flipped filter [KH, KW, F, C]; a new tensor each call (XNNPACK caches packed filters by id).
  const flipped = be.makeOutput([KH, KW, F, C], 'float32');
  {
    const w = heapF32(be, filter);
    const o = heapF32(be, flipped);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * F;
        const dst = (kh * KW + kw) * F * C;
        for (let c = 0; c < C; c++) {
          for (let f = 0; f < F; f++) o[dst + f * C + c] = w[src + c * F + f]!;
        }
      }
    }
  }
  let src = dy;
  let stuffed: TensorInfo | undefined;
  if (sh > 1 || sw > 1) {
    const DH = (OH - 1) * sh + 1;
    const DW = (OW - 1) * sw + 1;
    stuffed = be.makeOutput([B, DH, DW, F], 'float32');
    const t = heapF32(be, stuffed);
    const d = heapF32(be, dy);
    t.fill(0);
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const s = ((b * OH + oh) * OW + ow) * F;
          t.set(d.subarray(s, s + F), ((b * DH + oh * sh) * DW + ow * sw) * F);
        }
      }
    }
    src = stuffed;
  }
  const padTop = KH - 1 - pt;
  const padLeft = KW - 1 - pl;
  const padBottom = H - 1 - (OH - 1) * sh + pt;
  const padRight = W - 1 - (OW - 1) * sw + pl;
  try {
    return callShipped('Conv2D', { x: src, filter: flipped }, be, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: attrs.dimRoundingMode,
    });
  } finally {
    be.disposeData(flipped.dataId);
    if (stuffed) be.disposeData(stuffed.dataId);
  }
}

/** `Conv2DBackpropInput` on wasm. */
export const conv2DBackpropInputConfig: KernelConfig = wasmKernelConfig(
  Conv2DBackpropInput,
  conv2DBackpropInput,
);
