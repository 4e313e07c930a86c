import { check, inRange, isCount } from './check.js';

/**
 * A learning-rate (or momentum) schedule: the value for optimizer step `step` (0-based) of a run of
 * `totalSteps` steps. Pure: the same arguments always give the same value, so a resumed run picks
 * up the schedule exactly where it stopped.
 */
export type Schedule = (step: number, totalSteps: number) => number;

/** Options of {@link oneCycleSchedule} and {@link oneCycleMomentumSchedule} (PyTorch's names). */
export interface OneCycleOptions {
  /** The peak learning rate, reached after the warm-up phase. */
  maxLearningRate: number;
  /** Fraction of the steps spent rising to the peak. Default 0.3. */
  pctStart?: number;
  /** The run starts at `maxLearningRate / divFactor`. Default 25. */
  divFactor?: number;
  /** The run ends at `maxLearningRate / divFactor / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
  /** Shape of both phases: half a cosine (default) or a straight line. */
  anneal?: 'cos' | 'linear';
  /** Momentum at the peak learning rate ({@link oneCycleMomentumSchedule}). Default 0.85. */
  baseMomentum?: number;
  /** Momentum at the start and the end ({@link oneCycleMomentumSchedule}). Default 0.95. */
  maxMomentum?: number;
}

function checkStep(step: number, totalSteps: number): void {
  check('totalSteps', totalSteps, (n) => Number.isInteger(n) && n >= 2, 'an integer ≥ 2');
  check('step', step, (s) => isCount(s) && s < totalSteps, `an integer in [0, ${totalSteps - 1}]`);
}

const annealCos = (start: number, end: number, pct: number) =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/**
 * Where `step` lies in the two phases of a one-cycle run, exactly as PyTorch's `OneCycleLR`
 * (`three_phase=False`) computes it: phase 1 ends at step `pctStart·totalSteps − 1`, phase 2 at
 * `totalSteps − 1`; `pct` is the fraction of the phase done.
 */
function oneCyclePhase(step: number, totalSteps: number, pctStart: number) {
  checkStep(step, totalSteps);
  const end1 = pctStart * totalSteps - 1;
  // (end1 = 0: the first step is the peak; PyTorch divides by zero there.)
  if (step <= end1) return { phase: 1 as const, pct: end1 > 0 ? step / end1 : 1 };
  return { phase: 2 as const, pct: (step - end1) / (totalSteps - 1 - end1) };
}

function oneCycleSettings(options: OneCycleOptions) {
  const o = {
    maxLearningRate: options.maxLearningRate,
    pctStart: options.pctStart ?? 0.3,
    divFactor: options.divFactor ?? 25,
    finalDivFactor: options.finalDivFactor ?? 1e4,
    anneal: options.anneal ?? 'cos',
    baseMomentum: options.baseMomentum ?? 0.85,
    maxMomentum: options.maxMomentum ?? 0.95,
  };
  check(
    'maxLearningRate',
    o.maxLearningRate,
    inRange(0, Infinity, { openLo: true }),
    'a number > 0',
  );
  check('pctStart', o.pctStart, inRange(0, 1, { openLo: true, openHi: true }), 'in (0, 1)');
  check('divFactor', o.divFactor, inRange(0, Infinity, { openLo: true }), 'a number > 0');
  check('finalDivFactor', o.finalDivFactor, inRange(0, Infinity, { openLo: true }), 'a number > 0');
  check('anneal', o.anneal, (a) => a === 'cos' || a === 'linear', "'cos' or 'linear'");
  check('baseMomentum', o.baseMomentum, inRange(0, 1, { openHi: true }), 'in [0, 1)');
  check('maxMomentum', o.maxMomentum, inRange(0, 1, { openHi: true }), 'in [0, 1)');
  return { ...o, annealFn: o.anneal === 'cos' ? annealCos : annealLinear };
}

/**
 * The one-cycle learning rate (Smith & Topin 2017), identical to PyTorch's
 * `torch.optim.lr_scheduler.OneCycleLR(max_lr, total_steps, pct_start, div_factor,
 * final_div_factor, anneal_strategy, three_phase=False)` at each `step`: from
 * `maxLearningRate / divFactor` up to `maxLearningRate` over the first `pctStart` of the run, then
 * down to `maxLearningRate / (divFactor · finalDivFactor)` at the last step.
 *
 * Call it once per optimizer step (not per epoch), with `totalSteps = epochs · stepsPerEpoch`.
 *
 * @throws {@link InvalidConfigError} for an option out of range (when the schedule is made) or a
 *   step outside `[0, totalSteps − 1]` (when it is called).
 * @example
 * ```ts
 * const lr = oneCycleSchedule({ maxLearningRate: 0.05 });
 * const optimizer = tf.train.momentum(lr(0, total), 0.9, true);
 * for (let step = 0; step < total; step++) {
 *   setLearningRate(optimizer, lr(step, total));
 *   // … compute gradients, optimizer.applyGradients(grads) …
 * }
 * ```
 */
export function oneCycleSchedule(options: OneCycleOptions): Schedule {
  const o = oneCycleSettings(options);
  const initial = o.maxLearningRate / o.divFactor;
  const final = initial / o.finalDivFactor;
  return (step, totalSteps) => {
    const { phase, pct } = oneCyclePhase(step, totalSteps, o.pctStart);
    return phase === 1
      ? o.annealFn(initial, o.maxLearningRate, pct)
      : o.annealFn(o.maxLearningRate, final, pct);
  };
}

/**
 * The momentum that goes with {@link oneCycleSchedule} (PyTorch's `cycle_momentum=True`):
 * `maxMomentum` → `baseMomentum` while the learning rate rises, back to `maxMomentum` while it
 * falls. Apply it with {@link setMomentum} (tfjs's own `setMomentum` has no effect).
 */
export function oneCycleMomentumSchedule(options: OneCycleOptions): Schedule {
  const o = oneCycleSettings(options);
  return (step, totalSteps) => {
    const { phase, pct } = oneCyclePhase(step, totalSteps, o.pctStart);
    return phase === 1
      ? o.annealFn(o.maxMomentum, o.baseMomentum, pct)
      : o.annealFn(o.baseMomentum, o.maxMomentum, pct);
  };
}

/** Options of {@link warmupCosineSchedule}. */
export interface WarmupCosineOptions {
  /** The learning rate at the end of the warm-up. */
  peakLearningRate: number;
  /** Steps of linear warm-up from 0 (default 0: no warm-up). Give this or `warmupFraction`. */
  warmupSteps?: number;
  /** Warm-up as a fraction of the run's steps, rounded down (instead of `warmupSteps`). */
  warmupFraction?: number;
  /** The learning rate the cosine ends at (default 0). */
  minLearningRate?: number;
}

/**
 * Linear warm-up then cosine decay: `peak · step / warmup` for `step < warmup`, then
 * `min + (peak − min) · ½(1 + cos(π · (step − warmup) / (totalSteps − warmup)))`. With
 * `minLearningRate = 0` this is Hugging Face transformers' `get_cosine_schedule_with_warmup`
 * (half a cosine cycle); the last step's rate is just above `minLearningRate`.
 *
 * @throws {@link InvalidConfigError} for an option out of range, a warm-up as long as the run, or a
 *   step outside `[0, totalSteps − 1]`.
 */
export function warmupCosineSchedule(options: WarmupCosineOptions): Schedule {
  const peak = check(
    'peakLearningRate',
    options.peakLearningRate,
    inRange(0, Infinity, { openLo: true }),
    'a number > 0',
  );
  const min = check(
    'minLearningRate',
    options.minLearningRate ?? 0,
    inRange(0, peak),
    `in [0, peakLearningRate = ${peak}]`,
  );
  if (options.warmupSteps !== undefined && options.warmupFraction !== undefined) {
    check('warmupSteps', options.warmupSteps, () => false, 'omitted when warmupFraction is given');
  }
  if (options.warmupSteps !== undefined) {
    check('warmupSteps', options.warmupSteps, isCount, 'an integer ≥ 0');
  }
  if (options.warmupFraction !== undefined) {
    check('warmupFraction', options.warmupFraction, inRange(0, 1, { openHi: true }), 'in [0, 1)');
  }
  return (step, totalSteps) => {
    checkStep(step, totalSteps);
    const warmup =
      options.warmupFraction !== undefined
        ? Math.floor(options.warmupFraction * totalSteps)
        : (options.warmupSteps ?? 0);
    check('warmupSteps', warmup, (w) => w < totalSteps, `below totalSteps (${totalSteps})`);
    if (step < warmup) return (peak * step) / warmup;
    const progress = (step - warmup) / (totalSteps - warmup);
    return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}
