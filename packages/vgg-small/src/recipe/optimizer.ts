import {
  keep,
  MomentumOptimizer,
  type Optimizer,
  type Scalar,
  scalar,
} from '@tensorflow/tfjs-core';
import { check, inRange } from './check.js';

/** The tensor tfjs's MomentumOptimizer multiplies the velocity by (private in its types). */
type MomentumInternals = { m?: Scalar };

function replaceMomentumTensor(optimizer: MomentumOptimizer, momentum: number): void {
  const internals = optimizer as unknown as MomentumInternals;
  internals.m?.dispose();
  internals.m = keep(scalar(momentum));
}

/**
 * tfjs's `MomentumOptimizer` with two 4.22 defects mended: `setMomentum` changes the momentum the
 * update uses (tfjs's only records the number), and `dispose` frees the learning-rate tensor too
 * (tfjs's leaks one tensor). Same update, same serialised class name (`Momentum`).
 */
export class NesterovSgdOptimizer extends MomentumOptimizer {
  constructor(learningRate: number, momentum: number) {
    super(learningRate, momentum, true);
  }
  override setMomentum(momentum: number): void {
    super.setMomentum(momentum);
    replaceMomentumTensor(this, momentum);
  }
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/**
 * SGD with Nesterov momentum as PyTorch's `torch.optim.SGD(lr, momentum, nesterov=True)` (no
 * dampening). tfjs's own `tf.train.momentum(lr, momentum, true)` computes exactly that update
 * (`v ← m·v + g; w ← w − lr·(g + m·v)`), which this package's tests check step by step against
 * PyTorch, so no new optimizer is needed; this returns it with `setMomentum` and `dispose` mended
 * ({@link NesterovSgdOptimizer}). Weight decay as PyTorch's `weight_decay` goes on the gradients
 * first ({@link addWeightDecayToGradients}); a schedule sets the rate with {@link setLearningRate}.
 *
 * Give the gradients in the same order every step: tfjs keeps each variable's velocity by position.
 */
export function nesterovSgd({
  learningRate,
  momentum = 0.9,
}: {
  learningRate: number;
  /** Default 0.9. */
  momentum?: number;
}): NesterovSgdOptimizer {
  check('learningRate', learningRate, inRange(0, Infinity), 'a number ≥ 0');
  check('momentum', momentum, inRange(0, 1, { openHi: true }), 'in [0, 1)');
  return new NesterovSgdOptimizer(learningRate, momentum);
}

/**
 * Sets the learning rate of a tfjs optimizer for its next `applyGradients`. SGD and momentum keep
 * the negated rate in a tensor that only their `setLearningRate` updates (assigning
 * `optimizer.learningRate` does nothing there); the others (Adam, RMSProp, Adagrad, …) read their
 * `learningRate` field at each step, which is set.
 */
export function setLearningRate(optimizer: Optimizer, learningRate: number): void {
  check('learningRate', learningRate, inRange(0, Infinity), 'a number ≥ 0');
  // Not `instanceof SGDOptimizer`: tfjs optimizers answer instanceof by duck typing (any optimizer
  // is an "SGDOptimizer").
  const sgd = optimizer as Optimizer & { setLearningRate?: (lr: number) => void };
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(learningRate);
  else (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

/**
 * Sets the momentum of a tfjs `MomentumOptimizer` for its next `applyGradients` (e.g. from
 * {@link oneCycleMomentumSchedule}). tfjs 4.22's own `setMomentum` only records the number, and the
 * update keeps using the tensor made in the constructor; this replaces that tensor too.
 */
export function setMomentum(optimizer: MomentumOptimizer, momentum: number): void {
  check('momentum', momentum, inRange(0, 1, { openHi: true }), 'in [0, 1)');
  check(
    'optimizer',
    optimizer as unknown as MomentumInternals,
    (o) => o.m !== undefined && typeof optimizer.setMomentum === 'function',
    'a tfjs MomentumOptimizer (tf.train.momentum or nesterovSgd)',
  );
  optimizer.setMomentum(momentum);
  // (Also after NesterovSgdOptimizer's own: `instanceof` cannot tell them apart, see above.)
  replaceMomentumTensor(optimizer, momentum);
}
