import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

describe('Tile on wasm matches the cpu backend', () => {
  withWasmTrainingKernels();

  it('tile for ranks 1 to 4, float and int', async () => {
    const r = testRng(9);
    for (let i = 0; i < 12; i++) {
      const rank = r.int(1, 4);
      const shape = Array.from({ length: rank }, () => r.int(1, 4));
      const reps = Array.from({ length: rank }, () => r.int(1, 3));
      const size = shape.reduce((p, d) => p * d, 1);
      const v = r.floats(size);
      const iv = Array.from(v, (x) => Math.round(x * 100));
      await compareWithCpu(() => [
        tf.tile(tf.tensor(v, shape), reps),
        tf.tile(tf.tensor(iv, shape, 'int32'), reps),
      ]);
    }
    await compareWithCpu(() => tf.tile(tf.ones([1, 1, 1, 16]), [32, 28, 28, 1]));
  });
});
