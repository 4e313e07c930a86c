import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { UnsupportedKernelInputError } from '../errors.js';
import { testRng } from '../test-helpers/index.js';
import {
  describeConvGradientKernel,
  withWasmTrainingKernels,
} from '../test-helpers/wasm-kernels.js';
import { convDims, convInfo } from './conv-info.js';

describeConvGradientKernel('filter');

/**
 * The filter gradient as the plain float32 sum over b, oh, ow in that order (one rounding after
 * each multiply and each add), in tfjs' [KH, KW, C, F] layout.
 */
function sequentialFilterGrad(
  x: Float32Array,
  dy: Float32Array,
  info: ReturnType<typeof convInfo>,
): Float32Array {
  const { B, H, W, C, OH, OW, F, KH, KW, sh, sw, pt, pl } = convDims(info);
  const out = new Float32Array(KH * KW * C * F);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let c = 0; c < C; c++) {
        for (let f = 0; f < F; f++) {
          let s = 0;
          for (let b = 0; b < B; b++) {
            for (let oh = 0; oh < OH; oh++) {
              for (let ow = 0; ow < OW; ow++) {
                const h = oh * sh + kh - pt;
                const w = ow * sw + kw - pl;
                const xv =
                  h < 0 || h >= H || w < 0 || w >= W ? 0 : x[((b * H + h) * W + w) * C + c]!;
                s = Math.fround(s + Math.fround(xv * dy[((b * OH + oh) * OW + ow) * F + f]!));
              }
            }
          }
          out[((kh * KW + kw) * C + c) * F + f] = s;
        }
      }
    }
  }
  return out;
}

describe('Conv2DBackpropFilter on wasm, our SIMD kernel (F a multiple of 4, C·F ≤ 192·192)', () => {
  withWasmTrainingKernels();

  it('gives the sequential float32 sums over b, oh, ow bit for bit, whatever the tiles and chunks', async () => {
    await tf.setBackend('wasm');
    const r = testRng(5);
    // batch, height, width, channels, filters, kernel size, stride, padding
    const cases: [number, number, number, number, number, number, number, 'same' | 'valid'][] = [
      [3, 9, 7, 5, 12, 3, 1, 'same'], // 45 filter rows: a last tile of 1; 8 + 4 filters
      [2, 10, 10, 3, 8, 3, 2, 'same'],
      [2, 9, 9, 6, 4, 3, 2, 'valid'],
      [1, 6, 5, 2, 16, 5, 1, 'same'],
      [1, 8, 8, 1, 4, 2, 2, 'same'], // even kernel: padding only after
      [2, 4, 4, 96, 96, 1, 1, 'valid'],
      [1, 3, 3, 192, 192, 1, 1, 'same'], // at the C·F limit
      [40, 14, 14, 12, 24, 3, 1, 'same'], // 6 images a chunk: 7 chunks
    ];
    const before = tf.memory().numTensors;
    for (const [b, h, w, c, f, k, s, pad] of cases) {
      const attrs = { strides: s, pad, dataFormat: 'NHWC' as const, filterShape: [k, k, c, f] };
      const info = convInfo('test', [b, h, w, c], [k, k, c, f], attrs);
      const xv = r.floats(b * h * w * c);
      const dyv = r.floats(b * info.outHeight * info.outWidth * f);
      const x = tf.tensor4d(xv, [b, h, w, c]);
      const dy = tf.tensor4d(dyv, [b, info.outHeight, info.outWidth, f]);
      const got = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
      const want = sequentialFilterGrad(xv, dyv, info);
      expect(got.shape).toEqual([k, k, c, f]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want));
      tf.dispose([x, dy, got]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Conv2DBackpropFilter on wasm rejects what it does not implement', () => {
  withWasmTrainingKernels();

  it('throws UnsupportedKernelInputError for NCHW data, naming the fix', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.zeros([1, 1, 4, 4]);
    const dy = tf.zeros([1, 1, 4, 4]);
    let caught: unknown;
    try {
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 1, 1],
        },
      );
    } catch (error) {
      caught = error;
    }
    tf.dispose([x, dy]);
    expect(caught).toBeInstanceOf(UnsupportedKernelInputError);
    expect(UnsupportedKernelInputError.isInstance(caught)).toBe(true);
    const error = caught as UnsupportedKernelInputError;
    expect(error.code).toBe('UNSUPPORTED_KERNEL_INPUT');
    expect(error.kernel).toBe('Conv2DBackpropFilter');
    expect(error.message).toMatch(/transpose to NHWC/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
