import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { compareWithCpu, withWasmTrainingKernels } from '../test-helpers/wasm-kernels.js';

/**
 * The bound. The cpu reference chains ~14 float32 kernels per batch-norm gradient; the fused
 * kernel sums in float64, so the two differ by the reference's own rounding (seen: 2.5e-5).
 */
const BN_TOL = 1e-4;

describe('FusedBatchNormGrad on wasm matches the cpu backend', () => {
  withWasmTrainingKernels();

  it('batch-norm gradients (FusedBatchNormGrad): ranks 2 and 4, fixed and batch statistics', async () => {
    const r = testRng(17);
    for (const shape of [
      [3, 5, 4, 6],
      [33, 7],
      [2, 28, 28, 16],
    ]) {
      const C = shape[shape.length - 1]!;
      const n = shape.reduce((p, d) => p * d, 1);
      const xv = r.floats(n, 2);
      const mv = r.floats(C);
      const vv = Float32Array.from(r.floats(C), (v) => Math.abs(v) + 0.1);
      const gv = r.floats(C);
      const ov = r.floats(C);
      const weight = (y: tf.Tensor) => tf.reshape(tf.cos(tf.range(0, y.size)), y.shape);
      // all five inputs (tfjs-core can only differentiate batchNorm with both scale and offset)
      await compareWithCpu(
        () =>
          tf.grads((x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
            const y = tf.batchNorm(x, m, v, o, g, 1e-3);
            return tf.sum(tf.mul(y, weight(y)));
          })([
            tf.tensor(xv, shape),
            tf.tensor1d(mv),
            tf.tensor1d(vv),
            tf.tensor1d(gv),
            tf.tensor1d(ov),
          ]),
        BN_TOL,
      );
      // training mode: the statistics come from the batch (the gradient flows through moments too)
      await compareWithCpu(
        () =>
          tf.grads((x: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
            const axes = shape.slice(0, -1).map((_, i) => i);
            const { mean, variance } = tf.moments(x, axes);
            const y = tf.batchNorm(x, mean, variance, o, g, 1e-3);
            return tf.sum(tf.mul(y, weight(y)));
          })([tf.tensor(xv, shape), tf.tensor1d(gv), tf.tensor1d(ov)]),
        BN_TOL,
      );
    }
  });
});
