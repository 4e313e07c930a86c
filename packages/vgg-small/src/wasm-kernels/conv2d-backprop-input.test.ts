import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import {
  type ConvCase,
  compareWithCpu,
  LARGE_CONV_CASES,
  randomConvCases,
  sinWeightedSum,
  withWasmTrainingKernels,
} from '../test-helpers/wasm-kernels.js';

/** the input gradient of a convolution, with random data drawn from `r`, on cpu and on wasm. */
async function check(r: ReturnType<typeof testRng>, [b, h, w, c, f, k, s, pad]: ConvCase) {
  const xv = r.floats(b * h * w * c);
  const wv = r.floats(k * k * c * f);
  await compareWithCpu(() => {
    const x = tf.tensor4d(xv, [b, h, w, c]);
    const filt = tf.tensor4d(wv, [k, k, c, f]);
    return tf.grad((xx: tf.Tensor) => sinWeightedSum(tf.conv2d(xx as tf.Tensor4D, filt, s, pad)))(
      x,
    );
  });
}

describe('Conv2DBackpropInput on wasm matches the cpu backend', () => {
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
