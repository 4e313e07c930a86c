import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

describe('BatchMatMul on wasm matches the cpu backend', () => {
  withWasmTrainingKernels();

  it('matMul with transposed operands (dense-layer gradients)', async () => {
    const r = testRng(3);
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ] as const) {
      const [m, k, n, batch] = [r.int(1, 40), r.int(1, 40), r.int(1, 40), r.int(1, 3)];
      const av = r.floats(batch * m * k);
      const bv = r.floats(batch * k * n);
      await compareWithCpu(() =>
        tf.matMul(
          tf.tensor3d(av, ta ? [batch, k, m] : [batch, m, k]),
          tf.tensor3d(bv, tb ? [batch, n, k] : [batch, k, n]),
          ta,
          tb,
        ),
      );
    }
  });
});
