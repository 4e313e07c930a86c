import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

describe('Identity and Cast on wasm match the cpu backend', () => {
  withWasmTrainingKernels();

  it('identity and same-dtype cast share the buffer: copies outlive their source, gradients pass', async () => {
    const r = testRng(19);
    const v = r.floats(2 * 3 * 4);
    await compareWithCpu(() => {
      const x = tf.tensor3d(v, [2, 3, 4]);
      const copy = tf.clone(x);
      x.dispose();
      const same = tf.cast(copy, 'float32'); // shares, like clone
      const ints = tf.cast(tf.mul(copy, 10), 'int32'); // a real conversion: the shipped kernel
      return [
        copy,
        same,
        tf.cast(ints, 'float32'),
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.clone(t))))(copy),
      ];
    });
  });
});
