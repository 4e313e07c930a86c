import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../test-helpers/index.js';
import { nesterovSgd } from '../recipe/optimizer.js';
import { applyUpdate } from './apply-update.js';

function setup() {
  const w = tf.variable(
    tf.tensor2d([
      [1, -2],
      [3, 4],
    ]),
    true,
    'au/kernel',
  );
  const b = tf.variable(tf.tensor1d([0.5, -0.5]), true, 'au/bias');
  return { w, b, vars: [w, b] };
}

describe('applyUpdate', () => {
  it('sets the learning rate of SGD and momentum optimizers (assigning the field did nothing)', async () => {
    await tf.setBackend('cpu');
    const { w, b, vars } = setup();
    const before = tf.memory().numTensors;
    const sgd = tf.train.sgd(1);
    const gradients = vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
    applyUpdate({ optimizer: sgd, gradients, learningRate: 0.1 });
    expect(Array.from(w.dataSync())).toEqual([0.9, -2.1, 2.9, 3.9].map(Math.fround));
    expect(Array.from(b.dataSync())).toEqual([0.4, -0.6].map(Math.fround));
    const nesterov = nesterovSgd({ learningRate: 1, momentum: 0.9 });
    applyUpdate({ optimizer: nesterov, gradients, learningRate: 0.01, momentum: 0 });
    // momentum 0: plain SGD at 0.01
    expect(w.dataSync()[0]).toBeCloseTo(0.89, 6);
    tf.dispose(gradients.map((g) => g.tensor));
    sgd.dispose();
    nesterov.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });

  it('decoupled weight decay shrinks kernels only; coupled adds rate·w to their gradients', async () => {
    await tf.setBackend('cpu');
    const { w, b, vars } = setup();
    const before = tf.memory().numTensors;
    const adam = tf.train.adam(0.1);
    const zeros = vars.map((v) => ({ name: v.name, tensor: tf.zerosLike(v) }));
    // Adam with zero gradients moves nothing: only the decay acts, w·(1 − 0.1·0.5).
    applyUpdate({
      optimizer: adam,
      gradients: zeros,
      learningRate: 0.1,
      weightDecay: { rate: 0.5, mode: 'decoupled' },
      variables: vars,
    });
    expect(Array.from(w.dataSync())).toEqual([1, -2, 3, 4].map((x) => Math.fround(x * 0.95)));
    expect(Array.from(b.dataSync())).toEqual([0.5, -0.5]);
    const sgd = tf.train.sgd(1);
    const w0 = Array.from(w.dataSync());
    applyUpdate({
      optimizer: sgd,
      gradients: zeros,
      learningRate: 0.1,
      weightDecay: { rate: 0.5, mode: 'coupled' },
      variables: vars,
    });
    // grad = 0.5·w → w − 0.1·0.5·w
    w0.forEach((x, i) => {
      expect(w.dataSync()[i]).toBeCloseTo(x * 0.95, 6);
    });
    expect(Array.from(b.dataSync())).toEqual([0.5, -0.5]);
    tf.dispose(zeros.map((g) => g.tensor));
    adam.dispose();
    sgd.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });
});
