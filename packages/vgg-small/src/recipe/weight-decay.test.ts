import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectConfigError,
  expectReferenceRun,
  expectValues,
  referenceVariables as kernelAndBias,
  TORCH,
  useCpuBackend,
} from '../test-helpers/recipe.js';
import {
  addWeightDecayToGradients,
  applyDecoupledWeightDecay,
  decayKernelsOnly,
} from './weight-decay.js';

useCpuBackend();

describe('applyDecoupledWeightDecay', () => {
  it('shrinks the kernels by lr·rate and leaves biases alone (hand-computed)', () => {
    const before = tf.memory().numTensors;
    const [w, b] = kernelAndBias();
    applyDecoupledWeightDecay([w, b], { rate: 0.5, learningRate: 0.1 });
    expectValues(
      w,
      TORCH.optim.w0.flat().map((v) => v * 0.95),
      1e-7,
    );
    expectValues(b, Float32Array.from(TORCH.optim.b0), 1e-12); // untouched
    // a custom predicate: decay everything
    applyDecoupledWeightDecay([w, b], { rate: 1, learningRate: 0.5, decays: () => true });
    expectValues(
      b,
      TORCH.optim.b0.map((v) => v * 0.5),
      1e-7,
    );
    tf.dispose([w, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("with tfjs's Adam, before each step, is PyTorch's AdamW (weight decay on the kernel only)", () => {
    const before = tf.memory().numTensors;
    const { adamw } = TORCH.optim;
    const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    expectReferenceRun(adamw, (grads, variables) => {
      // PyTorch (and the paper's Algorithm 2) decay the weights the gradient was taken at.
      applyDecoupledWeightDecay(variables, { rate: 0.1, learningRate: 0.01 });
      adam.applyGradients(grads);
    });
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a negative rate with InvalidConfigError naming the fix', () => {
    const [w, b] = kernelAndBias();
    expectConfigError(
      () => applyDecoupledWeightDecay([w, b], { rate: -1, learningRate: 0.1 }),
      'rate',
      /rate must be a number ≥ 0, got -1/,
    );
    tf.dispose([w, b]);
  });
});

describe('addWeightDecayToGradients', () => {
  it('adds rate·w to the chosen gradients, passes the others through, leaks nothing', () => {
    const before = tf.memory().numTensors;
    const [w, b] = kernelAndBias();
    const gw = tf.ones([3, 2]);
    const gb = tf.ones([2]);
    const out = addWeightDecayToGradients(
      [
        { name: w.name, tensor: gw },
        { name: b.name, tensor: gb },
      ],
      [w, b],
      { rate: 0.1 },
    );
    expect(out[1]!.tensor).toBe(gb);
    expectValues(
      out[0]!.tensor,
      TORCH.optim.w0.flat().map((v) => 1 + 0.1 * v),
      1e-7,
    );
    tf.dispose([out[0]!.tensor, gw, gb, w, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a gradient named after no variable', () => {
    const [w, b] = kernelAndBias();
    const g = tf.ones([3, 2]);
    expect(() =>
      addWeightDecayToGradients([{ name: 'nope', tensor: g }], [w, b], { rate: 0.1 }),
    ).toThrow(/gradients must be named after one of the variables \(no variable is named nope\)/);
    tf.dispose([g, w, b]);
  });
});

describe('decayKernelsOnly', () => {
  it('decays conv and dense kernels, not biases nor batch-norm parameters', () => {
    expect(decayKernelsOnly({ name: 'block1_conv1/kernel', shape: [3, 3, 1, 32] })).toBe(true);
    expect(decayKernelsOnly({ name: 'dense1/kernel', shape: [128, 10] })).toBe(true);
    expect(decayKernelsOnly({ name: 'dense1/bias', shape: [10] })).toBe(false);
    expect(decayKernelsOnly({ name: 'block1_bn1/gamma', shape: [32] })).toBe(false);
  });
});
