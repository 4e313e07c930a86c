import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectReferenceRun, TORCH, useCpuBackend } from '../test-helpers/recipe.js';
import { nesterovSgd, setLearningRate, setMomentum } from './optimizer.js';
import { oneCycleMomentumSchedule, oneCycleSchedule } from './schedules.js';
import { addWeightDecayToGradients } from './weight-decay.js';

useCpuBackend();

/** One scalar variable, `steps` steps of gradient 1; returns its final value. */
function run(opt: tf.Optimizer, steps: number): number {
  const v = tf.tidy(() => tf.variable(tf.scalar(0)));
  for (let s = 0; s < steps; s++) {
    const g = tf.scalar(1);
    opt.applyGradients([{ name: v.name, tensor: g }]);
    g.dispose();
  }
  const value = v.dataSync()[0]!;
  v.dispose();
  opt.dispose();
  return value;
}

describe('SGD with Nesterov momentum (tfjs MomentumOptimizer, useNesterov)', () => {
  it("matches PyTorch's SGD(nesterov=True, weight_decay) under OneCycleLR with cycled momentum", () => {
    const before = tf.memory().numTensors;
    const { steps, sgdNesterovOneCycle: ref } = TORCH.optim;
    const options = { maxLearningRate: 0.05 };
    const lr = oneCycleSchedule(options);
    const momentum = oneCycleMomentumSchedule(options);
    const opt = nesterovSgd({ learningRate: lr(0, steps), momentum: momentum(0, steps) });
    expectReferenceRun(ref, (grads, variables, step) => {
      setLearningRate(opt, lr(step, steps));
      setMomentum(opt, momentum(step, steps));
      // weight decay 5e-4 on the kernel (rank 2) only, as the reference's parameter groups
      const decayed = addWeightDecayToGradients(grads, variables, { rate: 5e-4 });
      expect(decayed[1]).toBe(grads[1]); // the bias is passed through untouched
      opt.applyGradients(decayed);
      decayed[0]!.tensor.dispose();
    });
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('setMomentum takes effect; tfjs 4.22 MomentumOptimizer.setMomentum alone does not', () => {
    const before = tf.memory().numTensors;
    // two steps of gradient 1 at rate 0.1: momentum 0 gives −0.2, momentum 0.9 gives −0.1 − 0.19
    expect(run(tf.train.momentum(0.1, 0.9), 2)).toBeCloseTo(-0.29, 6);
    const viaTfjs = tf.train.momentum(0.1, 0.9);
    viaTfjs.setMomentum(0);
    expect(run(viaTfjs, 2)).toBeCloseTo(-0.29, 6);
    const ours = tf.train.momentum(0.1, 0.9);
    setMomentum(ours, 0);
    expect(run(ours, 2)).toBeCloseTo(-0.2, 6);
    // tfjs's MomentumOptimizer.dispose leaks its learning-rate tensor: one for each of the three
    expect(tf.memory().numTensors).toBe(before + 3);
    const mended = nesterovSgd({ learningRate: 0.1, momentum: 0.9 });
    mended.setMomentum(0); // mended: tfjs's own method works on nesterovSgd's optimizer
    expect(run(mended, 2)).toBeCloseTo(-0.1 - 0.1, 6); // Nesterov with m = 0 is plain SGD
    expect(tf.memory().numTensors).toBe(before + 3);
  });
});

describe('setLearningRate', () => {
  it('changes the rate of SGD and momentum (where assigning learningRate does not) and of Adam', () => {
    const before = tf.memory().numTensors;
    const assigned = tf.train.sgd(0.1);
    (assigned as unknown as { learningRate: number }).learningRate = 1;
    expect(run(assigned, 1)).toBeCloseTo(-0.1, 6); // the field is not what the update reads
    const sgd = tf.train.sgd(0.1);
    setLearningRate(sgd, 1);
    expect(run(sgd, 1)).toBeCloseTo(-1, 6);
    const momentum = nesterovSgd({ learningRate: 0.1, momentum: 0.5 });
    setLearningRate(momentum, 1);
    expect(run(momentum, 1)).toBeCloseTo(-1.5, 6); // Nesterov: −lr·(g + m·v) = −(1 + 0.5)
    // Adam's first step moves each weight by lr·g/(|g| + ε) ≈ lr
    const adam = tf.train.adam(0.1);
    setLearningRate(adam, 0.5);
    expect(run(adam, 1)).toBeCloseTo(-0.5, 5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
