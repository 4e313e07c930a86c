import { add, mul, scalar, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { check, inRange } from './check.js';

/** What a weight-decay predicate sees of a variable (a tf `Variable` or a layers `LayerVariable`). */
export interface WeightInfo {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Chooses the weights that decay. */
export type WeightDecayPredicate = (weight: WeightInfo) => boolean;

/**
 * The default {@link WeightDecayPredicate}: decay the kernels of convolutions and dense layers
 * (rank ≥ 2), not biases nor batch-norm `gamma`/`beta` (rank 1), as timm and most recipes do.
 */
export const decayKernelsOnly: WeightDecayPredicate = (w) => w.shape.length >= 2;

/** Options of {@link applyDecoupledWeightDecay}. */
export interface DecoupledWeightDecayOptions {
  /** The decay λ (e.g. 5e-4 for SGD, 0.05 for AdamW-style recipes). */
  rate: number;
  /** The learning rate of this step (η); the step shrinks weights by `η·λ`. */
  learningRate: number;
  /** Which variables decay. Default {@link decayKernelsOnly}. */
  decays?: WeightDecayPredicate;
}

/**
 * Decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019):
 * `w ← w · (1 − η·λ)` for every chosen variable, the gradient untouched. With Adam this is AdamW;
 * with SGD (with or without momentum), SGDW. Updates the variables in place; no tensors are left
 * behind.
 *
 * Call it in the step's update, once the gradients are computed: just before
 * `optimizer.applyGradients` it decays the weights the gradient was taken at, as the paper's
 * Algorithm 2 and PyTorch's `AdamW` do (this package's tests match PyTorch's AdamW step for step);
 * just after, it decays the updated weights, which differs by a term of order η·λ times the step.
 *
 * @example
 * ```ts
 * applyDecoupledWeightDecay(vars, { rate: 5e-4, learningRate: lr(step, total) });
 * optimizer.applyGradients(grads);
 * ```
 */
export function applyDecoupledWeightDecay(
  variables: readonly Variable[],
  { rate, learningRate, decays = decayKernelsOnly }: DecoupledWeightDecayOptions,
): void {
  check('rate', rate, inRange(0, Infinity), 'a number ≥ 0');
  check('learningRate', learningRate, inRange(0, Infinity), 'a number ≥ 0');
  const factor = 1 - learningRate * rate;
  if (factor === 1) return;
  tidy(() => {
    const f = scalar(factor);
    for (const v of variables) if (decays(v)) v.assign(mul(v, f));
  });
}

/** A gradient as tfjs optimizers take them (`optimizer.applyGradients(namedTensors)`). */
export interface NamedGradient {
  name: string;
  tensor: Tensor;
}

/**
 * Classic (coupled) weight decay, PyTorch's `SGD(weight_decay=λ)`: returns the gradients with
 * `λ·w` added for every chosen variable (matched by name), before the optimizer step; the others
 * are returned as they are. The caller disposes the new tensors (those not in `gradients`).
 * Unlike {@link applyDecoupledWeightDecay}, the decay then passes through momentum (and, with Adam,
 * through its scaling, which is why AdamW decouples it).
 */
export function addWeightDecayToGradients(
  gradients: readonly NamedGradient[],
  variables: readonly Variable[],
  { rate, decays = decayKernelsOnly }: { rate: number; decays?: WeightDecayPredicate },
): NamedGradient[] {
  check('rate', rate, inRange(0, Infinity), 'a number ≥ 0');
  const byName = new Map(variables.map((v) => [v.name, v]));
  return gradients.map((g) => {
    const v = byName.get(g.name);
    check(
      'gradients',
      g.name,
      () => v !== undefined,
      `named after one of the variables (no variable is named ${g.name})`,
    );
    if (rate === 0 || !decays(v!)) return g;
    return { name: g.name, tensor: tidy(() => add(g.tensor, mul(v!, scalar(rate)))) };
  });
}
