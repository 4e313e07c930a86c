import type { MomentumOptimizer, Optimizer, Variable } from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../checkpoint.js';
import { setLearningRate, setMomentum } from '../recipe/optimizer.js';
import { addWeightDecayToGradients, applyDecoupledWeightDecay } from '../recipe/weight-decay.js';

/** Weight decay of the update (kernels only: rank ≥ 2; biases and batch norm are not decayed). */
export interface UpdateWeightDecay {
  rate: number;
  /** `'decoupled'` (AdamW / SGDW) or `'coupled'` (added to the gradients, PyTorch's `SGD(weight_decay)`). */
  mode: 'decoupled' | 'coupled';
}

/** What {@link applyUpdate} needs for one step. */
export interface UpdateInput {
  /** The optimizer whose state the update advances (Adam, or SGD with Nesterov momentum). */
  optimizer: Optimizer;
  /**
   * The gradient of the step's mean loss for every trainable variable, in `model.trainableWeights`
   * order, each named after its variable: on one thread the batch's gradients, with workers the
   * gradients averaged over every replica (weighted by shard size).
   */
  gradients: NamedTensor[];
  /** Learning rate of this step. */
  learningRate: number;
  /** Momentum of this step (a momentum optimizer only; e.g. one-cycle's), or leave it as it is. */
  momentum?: number;
  /** Weight decay, or none. Needs `variables`. */
  weightDecay?: UpdateWeightDecay | null;
  /** The trainable variables the gradients are for (needed by weight decay). */
  variables?: readonly Variable[];
}

/**
 * The one per-step parameter update of training: sets the step's learning rate (and momentum) with
 * the recipe's {@link setLearningRate} / {@link setMomentum} (assigning `optimizer.learningRate`
 * does nothing on SGD and momentum optimizers), applies weight decay (decoupled: to the weights the
 * gradient was taken at; coupled: to the gradients), then hands the gradients to the optimizer.
 * Every training path goes through here (the single-thread path with its batch's gradients; each
 * worker replica with the gradients averaged over all replicas, so every replica applies the same
 * update). Does not dispose `gradients` (what it makes itself, it frees).
 */
export function applyUpdate({
  optimizer,
  gradients,
  learningRate,
  momentum,
  weightDecay,
  variables,
}: UpdateInput): void {
  setLearningRate(optimizer, learningRate);
  if (momentum !== undefined) setMomentum(optimizer as MomentumOptimizer, momentum);
  let grads = gradients;
  if (weightDecay && weightDecay.rate > 0) {
    if (!variables) throw new Error('applyUpdate: weight decay needs the variables');
    if (weightDecay.mode === 'coupled') {
      grads = addWeightDecayToGradients(gradients, variables, { rate: weightDecay.rate });
    } else {
      applyDecoupledWeightDecay(variables, { rate: weightDecay.rate, learningRate });
    }
  }
  try {
    optimizer.applyGradients(grads);
  } finally {
    grads.forEach((g, i) => {
      if (g !== gradients[i]) g.tensor.dispose();
    });
  }
}
