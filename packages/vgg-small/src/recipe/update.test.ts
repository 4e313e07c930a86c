import * as tf from '@tensorflow/tfjs-core';
import '../test-helpers/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectValues, fixedGrad, TORCH } from '../test-helpers/recipe.js';
import { nesterovSgd } from './optimizer.js';
import { oneCycleMomentumSchedule, oneCycleSchedule } from './schedules.js';
import { createRecipeUpdate } from './update.js';
import { WeightAverage } from './weight-average.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs the reference's steps through `update`; returns the final w and b (caller disposes). */
function runReference(
  optimizer: tf.Optimizer,
  update: ReturnType<typeof createRecipeUpdate>,
  onStep?: (used: ReturnType<ReturnType<typeof createRecipeUpdate>>) => void,
) {
  const { w0, b0, steps } = TORCH.optim;
  const w = tf.tidy(() => tf.variable(tf.tensor2d(w0)));
  const b = tf.tidy(() => tf.variable(tf.tensor1d(b0)));
  for (let step = 0; step < steps; step++) {
    const gradients = [
      { name: w.name, tensor: tf.tensor2d(fixedGrad(6, step, 0), [3, 2]) },
      { name: b.name, tensor: tf.tensor1d(fixedGrad(2, step, 2)) },
    ];
    const used = update({ optimizer, gradients, variables: [w, b], step, totalSteps: steps });
    onStep?.(used);
    tf.dispose(gradients.map((g) => g.tensor));
  }
  return [w, b] as const;
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
    const [w, b] = runReference(optimizer, update, (u) => used.push(u.learningRate, u.momentum!));
    expectValues(w, TORCH.optim.sgdNesterovOneCycle.w);
    expectValues(b, TORCH.optim.sgdNesterovOneCycle.b);
    expect(used.slice(0, 2)).toEqual([lr(0, 6), momentum(0, 6)]);
    optimizer.dispose();
    tf.dispose([w, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reproduces PyTorch's AdamW with decoupled decay, and feeds the weight average", () => {
    const before = tf.memory().numTensors;
    const { w0, b0 } = TORCH.optim;
    const probe = tf.tidy(() => [tf.variable(tf.tensor2d(w0)), tf.variable(tf.tensor1d(b0))]);
    const average = new WeightAverage(probe, { decay: 0.5 });
    const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const update = createRecipeUpdate({
      learningRate: () => 0.01,
      weightDecay: { rate: 0.1 },
      average,
    });
    const [w, b] = runReference(optimizer, update);
    expectValues(w, TORCH.optim.adamw.w);
    expectValues(b, TORCH.optim.adamw.b);
    // the average followed the probe variables (unchanged): still their values, six updates in
    expect(average.updates).toBe(TORCH.optim.steps);
    expectValues(average.state().weights[0]!.tensor, w0.flat(), 1e-7);
    average.dispose();
    optimizer.dispose();
    tf.dispose([w, b, ...probe]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
