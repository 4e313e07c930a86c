import {
  argMax,
  cast,
  clipByValue,
  equal,
  keep,
  log,
  mean,
  mul,
  type NamedTensorMap,
  neg,
  oneHot,
  type Scalar,
  sum,
  type Tensor,
  tensor,
  tensor1d,
  tidy,
  type Variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { smoothedCrossEntropy } from '../recipe/label-smoothing.js';

/** Keras' categorical cross-entropy on probabilities (a softmax output). */
function crossEntropy(y: Tensor, p: Tensor): Scalar {
  return mean(neg(sum(mul(y, log(clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as Scalar;
}

/** Loss, correct count and gradients of one batch, as {@link batchGradients} returns them. */
export interface BatchGradients {
  /** Mean cross-entropy of the batch. */
  loss: Scalar;
  /** Images whose arg-max prediction is their label. */
  correct: Scalar;
  /** Gradient of `loss` for each of `vars`, keyed by variable name. */
  grads: NamedTensorMap;
}

/**
 * Forward pass in training mode (dropout on, batch-norm moving statistics updated), mean
 * cross-entropy against integer `labels` (smoothed by `labelSmoothing` when it is above 0), and
 * the gradients for `vars`. The caller disposes the three results.
 */
export function batchGradients(
  model: LayersModel,
  vars: Variable[],
  images: Float32Array,
  shape: readonly [number, number, number, number],
  labels: Int32Array,
  classes: number,
  labelSmoothing = 0,
): BatchGradients {
  return tidy(() => {
    const xs = tensor(images, [...shape]);
    const ys = tensor1d(labels, 'int32');
    const yOneHot = oneHot(ys, classes);
    let correct: Scalar | undefined;
    const { value, grads } = variableGrads(() => {
      const p = model.apply(xs, { training: true }) as Tensor;
      correct = keep(sum(cast(equal(argMax(p, -1), ys), 'float32'))) as Scalar;
      return labelSmoothing > 0
        ? smoothedCrossEntropy(yOneHot, p, labelSmoothing)
        : crossEntropy(yOneHot, p);
    }, vars);
    return { loss: value, correct: correct!, grads };
  });
}
