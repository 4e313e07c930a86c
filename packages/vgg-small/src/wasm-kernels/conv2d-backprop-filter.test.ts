import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { UnsupportedKernelInputError } from '../errors.js';
import { testRng } from '../test-helpers/index.js';
import {
  type ConvCase,
  compareWithCpu,
  LARGE_CONV_CASES,
  randomConvCases,
  sinWeightedSum,
  withWasmTrainingKernels,
} from '../test-helpers/wasm-kernels.js';

/** the filter gradient of a convolution, with random data drawn from `r`, on cpu and on wasm. */
async function check(r: ReturnType<typeof testRng>, [b, h, w, c, f, k, s, pad]: ConvCase) {
  const xv = r.floats(b * h * w * c);
  const wv = r.floats(k * k * c * f);
  await compareWithCpu(() => {
    const x = tf.tensor4d(xv, [b, h, w, c]);
    const filt = tf.tensor4d(wv, [k, k, c, f]);
    return tf.grad((w: tf.Tensor) => sinWeightedSum(tf.conv2d(x, w as tf.Tensor4D, s, pad)))(filt);
  });
}

describe('Conv2DBackpropFilter on wasm matches the cpu backend', () => {
  withWasmTrainingKernels();

  it('on random shapes, strides 1 and 2, same and valid', async () => {
    const r = testRng(7);
    for (const c of randomConvCases(r)) await check(r, c);
  });

  it('at batch 1 and 256, and across filter-gradient chunks', async () => {
    const r = testRng(11);
    for (const c of LARGE_CONV_CASES) await check(r, c);
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
