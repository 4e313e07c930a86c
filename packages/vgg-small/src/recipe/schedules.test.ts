import { describe, expect, it } from 'vitest';
import { expectConfigError, TORCH } from '../test-helpers/recipe.js';
import { oneCycleMomentumSchedule, oneCycleSchedule, warmupCosineSchedule } from './schedules.js';

function expectClose(got: number, want: number, rel = 1e-12) {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-12));
}

describe('oneCycleSchedule', () => {
  it("matches PyTorch's OneCycleLR learning rate and momentum at every step (cos and linear)", () => {
    expect(TORCH.oneCycle).toHaveLength(2);
    for (const ref of TORCH.oneCycle) {
      const lr = oneCycleSchedule(ref.options);
      const momentum = oneCycleMomentumSchedule(ref.options);
      for (let step = 0; step < ref.total; step++) {
        expectClose(lr(step, ref.total), ref.lr[step]!);
        expectClose(momentum(step, ref.total), ref.momentum[step]!);
      }
    }
  });

  it('starts at max/div, peaks at step pctStart·total − 1, ends at max/div/finalDiv (by hand)', () => {
    const lr = oneCycleSchedule({ maxLearningRate: 0.05 });
    expectClose(lr(0, 100), 0.05 / 25);
    expectClose(lr(29, 100), 0.05);
    expectClose(lr(99, 100), 0.05 / 25 / 1e4);
    // halfway through phase 2 (pct ½): the mean of the peak and the final rate
    expectClose(lr(64, 100), (0.05 + 0.05 / 25 / 1e4) / 2);
    const m = oneCycleMomentumSchedule({ maxLearningRate: 0.05 });
    expectClose(m(0, 100), 0.95);
    expectClose(m(29, 100), 0.85);
    expectClose(m(99, 100), 0.95);
  });

  it('rejects bad options and steps with InvalidConfigError naming the fix', () => {
    expectConfigError(() => oneCycleSchedule({ maxLearningRate: 0 }), 'maxLearningRate', /> 0/);
    expectConfigError(
      () => oneCycleSchedule({ maxLearningRate: 1, pctStart: 1 }),
      'pctStart',
      /in \(0, 1\)/,
    );
    const lr = oneCycleSchedule({ maxLearningRate: 1 });
    expectConfigError(() => lr(10, 10), 'step', /\[0, 9\]/);
    expectConfigError(() => lr(1.5, 10), 'step', /integer/);
    expectConfigError(() => lr(0, 1), 'totalSteps', /≥ 2/);
  });
});

describe('warmupCosineSchedule', () => {
  it('rises linearly from 0 then follows half a cosine (hand-computed values)', () => {
    const lr = warmupCosineSchedule({ peakLearningRate: 0.1, warmupSteps: 2 });
    expect(lr(0, 10)).toBe(0);
    expectClose(lr(1, 10), 0.05);
    expectClose(lr(2, 10), 0.1);
    expectClose(lr(6, 10), 0.05); // progress (6 − 2)/8 = ½
    expectClose(lr(4, 10), 0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)));
    expectClose(lr(9, 10), 0.1 * 0.5 * (1 + Math.cos((Math.PI * 7) / 8)));
  });

  it('ends near minLearningRate; warmupFraction rounds down; no warm-up by default', () => {
    const lr = warmupCosineSchedule({
      peakLearningRate: 0.1,
      minLearningRate: 0.01,
      warmupFraction: 0.25,
    });
    // warm-up floor(0.25·10) = 2 steps
    expectClose(lr(1, 10), 0.05);
    expectClose(lr(6, 10), 0.01 + 0.09 * 0.5);
    const plain = warmupCosineSchedule({ peakLearningRate: 0.2 });
    expectClose(plain(0, 4), 0.2);
    expectClose(plain(2, 4), 0.1);
  });

  it('rejects bad options with InvalidConfigError naming the fix', () => {
    expectConfigError(
      () => warmupCosineSchedule({ peakLearningRate: 0.1, minLearningRate: 0.2 }),
      'minLearningRate',
      /peakLearningRate/,
    );
    expectConfigError(
      () => warmupCosineSchedule({ peakLearningRate: 0.1, warmupSteps: 1, warmupFraction: 0.1 }),
      'warmupSteps',
      /omitted/,
    );
    const lr = warmupCosineSchedule({ peakLearningRate: 0.1, warmupSteps: 10 });
    expectConfigError(() => lr(0, 10), 'warmupSteps', /below totalSteps/);
  });
});
