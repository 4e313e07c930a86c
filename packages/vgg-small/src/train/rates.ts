import {
  oneCycleMomentumSchedule,
  oneCycleSchedule,
  type Schedule,
  warmupCosineSchedule,
} from '../recipe/schedules.js';
import type { ResolvedOptions } from './options.js';

/** The learning rate (and momentum, when a one-cycle schedule cycles it) of one step. */
export interface StepRates {
  learningRate: number;
  momentum?: number;
}

/**
 * The rates of every step of a run of `batchesPerEpoch` steps per epoch: without a schedule,
 * `learningRate · learningRateDecay^epoch` (as earlier versions); with one, the schedule at the
 * run's global step `epoch · batchesPerEpoch + batch` of `epochs · batchesPerEpoch`.
 */
export function createStepRates(
  o: ResolvedOptions,
  batchesPerEpoch: number,
): (epoch: number, batch: number) => StepRates {
  const s = o.schedule;
  if (!s) return (epoch) => ({ learningRate: o.learningRate * o.learningRateDecay ** epoch });
  const total = Math.max(2, o.epochs * batchesPerEpoch);
  let lr: Schedule;
  let momentum: Schedule | undefined;
  if (s.kind === 'one-cycle') {
    const { kind: _kind, cycleMomentum, ...rest } = s;
    const cycle = { ...rest, maxLearningRate: s.maxLearningRate ?? o.learningRate };
    lr = oneCycleSchedule(cycle);
    if (o.optimizer === 'sgd-nesterov' && (cycleMomentum ?? true)) {
      momentum = oneCycleMomentumSchedule(cycle);
    }
  } else {
    const { kind: _kind, ...rest } = s;
    lr = warmupCosineSchedule({ ...rest, peakLearningRate: s.peakLearningRate ?? o.learningRate });
  }
  return (epoch, batch) => {
    const step = Math.min(epoch * batchesPerEpoch + batch, total - 1);
    const learningRate = lr(step, total);
    return momentum ? { learningRate, momentum: momentum(step, total) } : { learningRate };
  };
}
