import type { MeanAttrs, MeanInputs, SumAttrs, SumInputs, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { heapF32, type WasmKernelArgs } from './heap.js';
import { callShipped } from './registry.js';

/**
 * Sum (or mean) over the leading `k` axes, accumulated in float64 in one pass over the heap; any
 * other reduction goes to the shipped kernel (which transposes first, then reduces).
 */
export function leadingReduce(
  name: 'Sum' | 'Mean',
): (args: WasmKernelArgs<SumInputs | MeanInputs, SumAttrs | MeanAttrs>) => TensorInfo {
  return ({ inputs, backend: be, attrs }) => {
    const x = inputs.x!;
    const { axis, keepDims } = attrs;
    const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.every((ax, i) => ax === i);
    if (x.dtype !== 'float32' || !leading) {
      return callShipped(name, inputs, be, attrs);
    }
    const rest = x.shape.slice(axes.length);
    const R = util.sizeFromShape(x.shape.slice(0, axes.length));
    const C = util.sizeFromShape(rest);
    const acc = new Float64Array(C);
    const xs = heapF32(be, x);
    // Four rows per pass: one load and store of the accumulator per four elements (JS arithmetic is
    // float64, so the partial sums lose nothing).
    let r = 0;
    for (; r + 4 <= R; r += 4) {
      const i0 = r * C;
      const i1 = i0 + C;
      const i2 = i1 + C;
      const i3 = i2 + C;
      for (let c = 0; c < C; c++) {
        acc[c]! += xs[i0 + c]! + xs[i1 + c]! + (xs[i2 + c]! + xs[i3 + c]!);
      }
    }
    for (; r < R; r++) {
      const i0 = r * C;
      for (let c = 0; c < C; c++) acc[c]! += xs[i0 + c]!;
    }
    if (name === 'Mean' && R > 0) for (let c = 0; c < C; c++) acc[c]! /= R;
    const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
    const out = be.makeOutput(outShape, 'float32');
    heapF32(be, out).set(acc);
    return out;
  };
}
