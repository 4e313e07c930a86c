import type { MomentumOptimizer, Optimizer, Variable } from '@tensorflow/tfjs-core';
import { check } from './check.js';
import { setLearningRate, setMomentum } from './optimizer.js';
import type { Schedule } from './schedules.js';
import type { WeightAverage } from './weight-average.js';
import {
  addWeightDecayToGradients,
  applyDecoupledWeightDecay,
  type NamedGradient,
  type WeightDecayPredicate,
} from './weight-decay.js';

/** Options of {@link createRecipeUpdate}. */
export interface RecipeUpdateOptions {
  /** The learning rate of each step, e.g. {@link oneCycleSchedule}. */
  learningRate: Schedule;
  /** The momentum of each step (a `MomentumOptimizer` only), e.g. {@link oneCycleMomentumSchedule}. */
  momentum?: Schedule;
  /**
   * Weight decay: `'decoupled'` (default; AdamW/SGDW, {@link applyDecoupledWeightDecay}) or
   * `'coupled'` (added to the gradients as PyTorch's `SGD(weight_decay)`,
   * {@link addWeightDecayToGradients}); `decays` picks the weights (default: kernels only).
   */
  weightDecay?: { rate: number; mode?: 'decoupled' | 'coupled'; decays?: WeightDecayPredicate };
  /** A weight average to fold each step's weights into ({@link WeightAverage.update}). */
  average?: WeightAverage;
}

/** One step for the function {@link createRecipeUpdate} returns. */
export interface RecipeStep {
  /** The optimizer (e.g. {@link nesterovSgd}, or `tf.train.adam`). */
  optimizer: Optimizer;
  /** The step's (averaged) gradients, named after their variables, in the same order each step. */
  gradients: readonly NamedGradient[];
  /** The trainable variables the gradients are for. */
  variables: readonly Variable[];
  /** This step's index, from 0. */
  step: number;
  /** Steps in the whole run (epochs × steps per epoch). */
  totalSteps: number;
}

/**
 * The per-step parameter update of the recipe, in the order that matches PyTorch: set the step's
 * learning rate (and momentum), apply weight decay (decoupled: to the weights the gradient was
 * taken at; coupled: to the gradients), hand the gradients to the optimizer, then fold the new
 * weights into the average. Does not dispose `gradients` (what it made itself, it frees).
 *
 * @returns The update function; it returns the learning rate and momentum it used, for logs.
 * @example
 * ```ts
 * const total = epochs * stepsPerEpoch;
 * const options = { maxLearningRate: 0.05 };
 * const update = createRecipeUpdate({
 *   learningRate: oneCycleSchedule(options),
 *   momentum: oneCycleMomentumSchedule(options),
 *   weightDecay: { rate: 5e-4, mode: 'coupled' },
 * });
 * const optimizer = nesterovSgd({ learningRate: 0.05 });
 * // in the training loop, after computing `gradients` for `variables`:
 * update({ optimizer, gradients, variables, step, totalSteps: total });
 * ```
 */
export function createRecipeUpdate(
  options: RecipeUpdateOptions,
): (step: RecipeStep) => { learningRate: number; momentum?: number } {
  const decay = options.weightDecay;
  const mode = decay?.mode ?? 'decoupled';
  check(
    'weightDecay.mode',
    mode,
    (m) => m === 'decoupled' || m === 'coupled',
    "'decoupled' or 'coupled'",
  );
  return ({ optimizer, gradients, variables, step, totalSteps }) => {
    const learningRate = options.learningRate(step, totalSteps);
    setLearningRate(optimizer, learningRate);
    let momentum: number | undefined;
    if (options.momentum) {
      momentum = options.momentum(step, totalSteps);
      setMomentum(optimizer as MomentumOptimizer, momentum);
    }
    let grads = gradients;
    if (decay && mode === 'coupled') {
      grads = addWeightDecayToGradients(gradients, variables, decay);
    } else if (decay) {
      applyDecoupledWeightDecay(variables, { ...decay, learningRate });
    }
    try {
      optimizer.applyGradients([...grads]);
    } finally {
      grads.forEach((g, i) => {
        if (g !== gradients[i]) g.tensor.dispose();
      });
    }
    options.average?.update();
    return momentum === undefined ? { learningRate } : { learningRate, momentum };
  };
}
