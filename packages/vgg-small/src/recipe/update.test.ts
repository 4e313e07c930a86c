import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectReferenceRun,
  expectValues,
  referenceVariables,
  TORCH,
  useCpuBackend,
} from '../test-helpers/recipe.js';
import { nesterovSgd } from './optimizer.js';
import { oneCycleMomentumSchedule, oneCycleSchedule } from './schedules.js';
import { createRecipeUpdate } from './update.js';
import { WeightAverage } from './weight-average.js';

useCpuBackend();

/** Runs the reference's steps through `update` and expects PyTorch's final weights `want`. */
function runUpdate(
  want: { w: number[]; b: number[] },
  optimizer: tf.Optimizer,
  update: ReturnType<typeof createRecipeUpdate>,
  onStep?: (used: ReturnType<ReturnType<typeof createRecipeUpdate>>) => void,
) {
  expectReferenceRun(want, (gradients, variables, step) => {
    // (not `onStep?.(update(…))`: with no onStep that would skip the update itself)
    const used = update({ optimizer, gradients, variables, step, totalSteps: TORCH.optim.steps });
    onStep?.(used);
  });
}

describe('createRecipeUpdate', () => {
  it("reproduces PyTorch's one-cycle SGD (Nesterov, cycled momentum, weight_decay) step for step", () => {
    const before = tf.memory().numTensors;
    const options = { maxLearningRate: 0.05 };
    const lr = oneCycleSchedule(options);
    const momentum = oneCycleMomentumSchedule(options);
    const update = createRecipeUpdate({
      learningRate: lr,
      momentum,
      weightDecay: { rate: 5e-4, mode: 'coupled' },
    });
    const optimizer = nesterovSgd({ learningRate: 1 });
    const used: number[] = [];
    runUpdate(TORCH.optim.sgdNesterovOneCycle, optimizer, update, (u) =>
      used.push(u.learningRate, u.momentum!),
    );
    expect(used.slice(0, 2)).toEqual([lr(0, 6), momentum(0, 6)]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reproduces PyTorch's AdamW with decoupled decay, and feeds the weight average", () => {
    const before = tf.memory().numTensors;
    const probe = referenceVariables();
    const average = new WeightAverage(probe, { decay: 0.5 });
    const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const update = createRecipeUpdate({
      learningRate: () => 0.01,
      weightDecay: { rate: 0.1 },
      average,
    });
    runUpdate(TORCH.optim.adamw, optimizer, update);
    // the average followed the probe variables (unchanged): still their values, six updates in
    expect(average.updates).toBe(TORCH.optim.steps);
    expectValues(average.state().weights[0]!.tensor, TORCH.optim.w0.flat(), 1e-7);
    average.dispose();
    optimizer.dispose();
    tf.dispose(probe);
    expect(tf.memory().numTensors).toBe(before);
  });
});
