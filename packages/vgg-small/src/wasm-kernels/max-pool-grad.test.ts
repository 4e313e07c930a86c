import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

describe('MaxPoolGrad on wasm matches the cpu backend', () => {
  withWasmTrainingKernels();

  it('max-pool gradient, including ties and padding', async () => {
    const r = testRng(13);
    for (const [size, stride, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [3, 1, 'same'],
      [2, 1, 'valid'],
      [3, 3, 'valid'],
    ] as const) {
      const shape: [number, number, number, number] = [2, r.int(4, 9), r.int(4, 9), r.int(1, 5)];
      const n = shape.reduce((p, d) => p * d, 1);
      const xv = r.floats(n);
      const tied = Float32Array.from(xv, (v) => Math.round(v * 2)); // many equal values
      for (const data of [xv, tied]) {
        await compareWithCpu(() =>
          tf.grad((x: tf.Tensor) => {
            const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
            return tf.sum(tf.mul(y, tf.reshape(tf.range(0, y.size), y.shape)));
          })(tf.tensor4d(data, shape)),
        );
      }
    }
  });
});
