import {
  add,
  clone,
  mul,
  scalar,
  type Tensor,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InvalidConfigError } from '../errors.js';
import { check, inRange, isCount } from './check.js';
import type { WeightInfo } from './weight-decay.js';

/** Options of {@link WeightAverage}. */
export interface WeightAverageOptions {
  /**
   * Decay d of the average: `avg ← d·avg + (1 − d)·w` at each update. Default 0.999. `'uniform'`:
   * the plain mean of the starting weights and of every update's (stochastic weight averaging,
   * Izmailov et al. 2018), i.e. d = (n + 1)/(n + 2) at the n-th update.
   */
  decay?: number | 'uniform';
  /**
   * Use `min(decay, (1 + n)/(10 + n))` at the n-th update (n from 0), as TensorFlow's
   * `ExponentialMovingAverage(num_updates=…)`, so that early averages are not dominated by the
   * initial weights. Default false.
   */
  warmup?: boolean;
  /**
   * Which weights are averaged. Default: all of them, the batch-norm moving statistics included
   * (as timm's `ModelEmaV2`), so the averaged model is evaluated with statistics of its own era.
   */
  include?: (weight: WeightInfo) => boolean;
}

/** The state of a {@link WeightAverage}, for a checkpoint. */
export interface WeightAverageState {
  /** Updates so far. */
  updates: number;
  /** The averaged value of each averaged weight, by the model variable's name. */
  weights: { name: string; tensor: Tensor }[];
}

/**
 * An exponential moving average of a model's weights (Polyak averaging; "EMA" in timm and
 * TensorFlow), updated after each optimizer step and swapped in for evaluation. The average is
 * kept in float32 variables of its own (one copy of the averaged weights).
 *
 * @example
 * ```ts
 * const average = new WeightAverage(model, { decay: 0.999, warmup: true });
 * for (const batch of batches) {
 *   // … optimizer.applyGradients(grads) …
 *   average.update();
 * }
 * const result = await average.withAveragedWeights(() => evaluateModel(model, validation));
 * average.dispose();
 * ```
 */
export class WeightAverage {
  readonly decay: number | 'uniform';
  readonly warmup: boolean;
  /** The model's variables that are averaged (live values). */
  private readonly live: Variable[];
  /** The average of each, or (while swapped in) the live values. */
  private readonly average: Variable[];
  private count = 0;
  private swapped = false;
  private disposed = false;

  /**
   * Starts the average at the model's current weights.
   * @param model A tfjs-layers model (its `weights`: trainable and not) or the variables themselves.
   */
  constructor(model: LayersModel | readonly Variable[], options: WeightAverageOptions = {}) {
    this.decay = check(
      'decay',
      options.decay ?? 0.999,
      (d) => d === 'uniform' || inRange(0, 1)(d),
      "in [0, 1], or 'uniform'",
    );
    this.warmup = options.warmup ?? false;
    const include = options.include ?? (() => true);
    const vars = Array.isArray(model)
      ? (model as readonly Variable[])
      : (model as LayersModel).weights.map((w) => w.read() as Variable);
    this.live = vars.filter((v) => include(v));
    this.average = this.live.map((v) => tidy(() => variable(clone(v), false)));
  }

  /** Updates so far. */
  get updates(): number {
    return this.count;
  }

  /** Whether the averaged weights are in the model now ({@link swapIn}). */
  get swappedIn(): boolean {
    return this.swapped;
  }

  /** The decay the next {@link update} uses. */
  currentDecay(): number {
    const n = this.count;
    if (this.decay === 'uniform') return (n + 1) / (n + 2);
    return this.warmup ? Math.min(this.decay, (1 + n) / (10 + n)) : this.decay;
  }

  /** Folds the model's current weights into the average. Call after each optimizer step. */
  update(): void {
    this.assertUsable('update()');
    if (this.swapped) {
      throw new InvalidConfigError({
        option: 'WeightAverage.update()',
        expected: 'called with the live weights in the model: call swapOut() first',
      });
    }
    const d = this.currentDecay();
    tidy(() => {
      const keepOld = scalar(d);
      const takeNew = scalar(1 - d);
      this.live.forEach((w, i) => {
        const a = this.average[i]!;
        a.assign(add(mul(a, keepOld), mul(w, takeNew)));
      });
    });
    this.count++;
  }

  /** Puts the averaged weights into the model (the live ones are kept aside). */
  swapIn(): void {
    this.assertUsable('swapIn()');
    if (this.swapped) {
      throw new InvalidConfigError({
        option: 'WeightAverage.swapIn()',
        expected: 'called once before swapOut(): the averaged weights are already in the model',
      });
    }
    this.exchange();
    this.swapped = true;
  }

  /** Puts the live weights back (exactly as they were). */
  swapOut(): void {
    this.assertUsable('swapOut()');
    if (!this.swapped) {
      throw new InvalidConfigError({
        option: 'WeightAverage.swapOut()',
        expected: 'called after swapIn(): the live weights are in the model',
      });
    }
    this.exchange();
    this.swapped = false;
  }

  /**
   * Runs `fn` (e.g. an evaluation) with the averaged weights in the model, then puts the live
   * weights back, also when `fn` throws.
   */
  async withAveragedWeights<T>(fn: () => T | Promise<T>): Promise<T> {
    this.swapIn();
    try {
      return await fn();
    } finally {
      this.swapOut();
    }
  }

  /** The number of updates and the averaged values (owned by the average: do not dispose). */
  state(): WeightAverageState {
    this.assertUsable('state()');
    const values = this.swapped ? this.live : this.average;
    return {
      updates: this.count,
      weights: this.live.map((w, i) => ({ name: w.name, tensor: values[i]! })),
    };
  }

  /** Restores a {@link state} (from a checkpoint): the same weights, by name, with their shapes. */
  loadState(state: WeightAverageState): void {
    this.assertUsable('loadState()');
    check('state.updates', state.updates, isCount, 'an integer ≥ 0');
    const byName = new Map(state.weights.map((w) => [w.name, w.tensor]));
    const expected = `one tensor for each averaged weight (${this.live.map((w) => w.name).join(', ')}), of its shape`;
    check('state.weights', state.weights.length, (n) => n === this.live.length, expected);
    const target = this.swapped ? this.live : this.average;
    const sources = this.live.map((w) => byName.get(w.name));
    this.live.forEach((w, i) => {
      const t = sources[i];
      check(
        `state.weights[${w.name}]`,
        t?.shape,
        (s) => s !== undefined && sameShape(s, w.shape),
        expected,
      );
    });
    tidy(() => {
      target.forEach((v, i) => {
        v.assign(sources[i]!);
      });
    });
    this.count = state.updates;
  }

  /** Frees the average (the model keeps whichever weights are in it: swap out first). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const a of this.average) a.dispose();
  }

  private exchange(): void {
    tidy(() => {
      this.live.forEach((w, i) => {
        const a = this.average[i]!;
        const current = clone(w);
        w.assign(a);
        a.assign(current);
      });
    });
  }

  private assertUsable(call: string): void {
    if (this.disposed) {
      throw new InvalidConfigError({
        option: `WeightAverage.${call}`,
        expected: 'called before dispose(): make a new WeightAverage',
      });
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
