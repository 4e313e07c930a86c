import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVggSmall } from '../model.js';
import { expectConfigError, useCpuBackend } from '../test-helpers/recipe.js';
import { WeightAverage } from './weight-average.js';

let before = 0;
useCpuBackend();
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before); // every test frees what it made
});

const vec = (values: number[]) => tf.tidy(() => tf.variable(tf.tensor1d(values)));
const set = (v: tf.Variable, values: number[]) => tf.tidy(() => v.assign(tf.tensor1d(values)));
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('WeightAverage', () => {
  it('keeps avg ← d·avg + (1 − d)·w from the starting weights (hand-computed), swaps exactly', () => {
    const a = vec([1, 2]);
    const b = vec([-4]);
    const average = new WeightAverage([a, b], { decay: 0.5 });
    set(a, [3, 4]);
    set(b, [0]);
    average.update(); // [2, 3], [−2]
    set(a, [5, 0]);
    set(b, [2]);
    average.update(); // [3.5, 1.5], [0]
    expect(average.updates).toBe(2);
    average.swapIn();
    expect(average.swappedIn).toBe(true);
    expect(values(a)).toEqual([3.5, 1.5]);
    expect(values(b)).toEqual([0]);
    average.swapOut();
    expect(values(a)).toEqual([5, 0]);
    expect(values(b)).toEqual([2]);
    average.dispose();
    tf.dispose([a, b]);
  });

  it("warms up as TensorFlow's ExponentialMovingAverage: decay min(d, (1 + n)/(10 + n))", () => {
    const a = vec([0]);
    const average = new WeightAverage([a], { decay: 0.5, warmup: true });
    const seen: number[] = [];
    for (let n = 0; n < 10; n++) {
      seen.push(average.currentDecay());
      average.update();
    }
    expect(seen.slice(0, 3)).toEqual([1 / 10, 2 / 11, 3 / 12]);
    expect(seen[8]).toBe(0.5); // (1 + 8)/(10 + 8) = ½ reaches the decay
    expect(seen[9]).toBe(0.5);
    set(a, [1]);
    average.update(); // 0.5·0 + 0.5·1
    expect(values(average.state().weights[0]!.tensor)).toEqual([0.5]);
    average.dispose();
    a.dispose();
  });

  it("with decay 'uniform', is the plain mean of the start and every update (SWA)", () => {
    const a = vec([0, 3]);
    const average = new WeightAverage([a], { decay: 'uniform' });
    for (const v of [
      [3, 0],
      [6, 6],
      [3, 3],
    ]) {
      set(a, v);
      average.update();
    }
    expect(values(average.state().weights[0]!.tensor)).toEqual([3, 3]); // (0+3+6+3)/4, (3+0+6+3)/4
    average.dispose();
    a.dispose();
  });

  it('averages every weight of a layers model (batch-norm statistics too) and evaluates with it', async () => {
    const model = createVggSmall({ blockFilters: [4], convsPerBlock: 1, denseUnits: [8], seed: 3 });
    const average = new WeightAverage(model, { decay: 0.9 });
    const names = average.state().weights.map((w) => w.name);
    expect(names.some((n) => n.includes('moving_mean'))).toBe(true);
    expect(names).toHaveLength(model.weights.length);
    const x = tf.tidy(() => tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 7));
    const predict = () => tf.tidy(() => values(model.predict(x) as tf.Tensor));
    const start = predict();
    const kernelOf = () => model.weights.find((w) => w.name.endsWith('kernel'))!;
    const startKernel = values(kernelOf().read());
    // move the live weights: every weight doubled
    tf.tidy(() => {
      for (const w of model.weights) (w.read() as tf.Variable).assign(tf.mul(w.read(), 2));
    });
    average.update(); // average = 0.9·start + 0.1·2·start = 1.1·start
    const live = predict();
    const averaged = await average.withAveragedWeights(() => {
      return { prediction: predict(), kernel: values(kernelOf().read()) };
    });
    expect(averaged.prediction).not.toEqual(live);
    expect(averaged.prediction).not.toEqual(start);
    expect(predict()).toEqual(live); // the live weights are back, bit for bit
    const kernel0 = average.state().weights.find((w) => w.name.endsWith('kernel'))!;
    expect(values(kernel0.tensor)).toEqual(averaged.kernel);
    averaged.kernel.forEach((v, i) => {
      expect(v).toBeCloseTo(1.1 * startKernel[i]!, 6);
    });
    // swapped back also when the evaluation throws
    await expect(
      average.withAveragedWeights(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(average.swappedIn).toBe(false);
    expect(predict()).toEqual(live);
    average.dispose();
    model.dispose();
    x.dispose();
  });

  it('restores its state into a fresh average (for checkpoints), checking names and shapes', () => {
    const a = vec([1, 2]);
    const first = new WeightAverage([a], { decay: 0.5 });
    set(a, [3, 6]);
    first.update();
    const state = first.state();
    const second = new WeightAverage([a], { decay: 0.5 });
    second.loadState(state);
    expect(second.updates).toBe(1);
    expect(values(second.state().weights[0]!.tensor)).toEqual([2, 4]);
    const wrong = tf.zeros([3]);
    expectConfigError(
      () => second.loadState({ updates: 1, weights: [{ name: a.name, tensor: wrong }] }),
      `state.weights[${a.name}]`,
      /one tensor for each averaged weight/,
    );
    tf.dispose([wrong, a]);
    first.dispose();
    second.dispose();
  });

  it('refuses updates while swapped in, unmatched swaps and use after dispose', () => {
    const a = vec([1]);
    const average = new WeightAverage([a]);
    expectConfigError(() => average.swapOut(), 'WeightAverage.swapOut()', /after swapIn\(\)/);
    average.swapIn();
    expectConfigError(() => average.update(), 'WeightAverage.update()', /call swapOut\(\) first/);
    expectConfigError(() => average.swapIn(), 'WeightAverage.swapIn()', /already in the model/);
    average.swapOut();
    average.dispose();
    expectConfigError(() => average.update(), 'WeightAverage.update()', /make a new WeightAverage/);
    expectConfigError(() => new WeightAverage([a], { decay: 2 }), 'decay', /in \[0, 1\]/);
    a.dispose();
  });
});
