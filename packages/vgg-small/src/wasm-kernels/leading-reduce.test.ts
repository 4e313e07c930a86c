import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

describe('Sum and Mean on wasm match the cpu backend', () => {
  withWasmTrainingKernels();

  it('sum and mean over leading and other axes', async () => {
    const r = testRng(5);
    const xv = r.floats(4 * 5 * 6 * 7, 3);
    const x = () => tf.tensor4d(xv, [4, 5, 6, 7]);
    for (const axis of [0, [0, 1], [0, 1, 2], [0, 1, 2, 3], [1, 2], 3, -1, [2, 0]]) {
      for (const keepDims of [false, true]) {
        await compareWithCpu(() => [tf.sum(x(), axis, keepDims), tf.mean(x(), axis, keepDims)]);
      }
    }
    const v = r.floats(300);
    await compareWithCpu(() => tf.sum(tf.tensor1d(v)));
    await compareWithCpu(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
  });
});
