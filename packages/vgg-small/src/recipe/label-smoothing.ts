import {
  add,
  clipByValue,
  log,
  mean,
  mul,
  neg,
  type Scalar,
  scalar,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { check, inRange } from './check.js';

/** Probabilities are clipped to [ε, 1 − ε] before the log, as Keras and `trainVggSmall` do. */
const EPSILON = 1e-7;

function checkSmoothing(smoothing: number): number {
  return check('labelSmoothing', smoothing, inRange(0, 1, { openHi: true }), 'in [0, 1)');
}

/**
 * Smoothed targets: `y · (1 − smoothing) + smoothing / classes` for one-hot (or soft) labels `y` of
 * shape `[…, classes]` (Szegedy et al. 2016; Keras' and PyTorch's `label_smoothing`).
 */
export function smoothLabels(y: Tensor, smoothing: number): Tensor {
  checkSmoothing(smoothing);
  const classes = y.shape[y.rank - 1]!;
  return tidy(() => add(mul(y, scalar(1 - smoothing)), scalar(smoothing / classes)));
}

/**
 * Per-example categorical cross-entropy of probabilities `p` (a softmax output) against targets
 * `y` smoothed by `smoothing`: `−Σ_c y′_c · log(clip(p_c, ε, 1 − ε))` over the last axis, with
 * `y′ = smoothLabels(y, smoothing)`. With `smoothing = 0` it is Keras' categorical cross-entropy.
 * Equal to PyTorch's `CrossEntropyLoss(label_smoothing=…)` on the logits whose softmax `p` is
 * (while no probability is clipped), and to tfjs-core's `tf.losses.softmaxCrossEntropy(y, logits,
 * undefined, smoothing)`, which this package's tests check.
 */
export function smoothedCrossEntropyPerExample(y: Tensor, p: Tensor, smoothing: number): Tensor {
  return tidy(() =>
    neg(sum(mul(smoothLabels(y, smoothing), log(clipByValue(p, EPSILON, 1 - EPSILON))), -1)),
  );
}

/**
 * The mean over the batch of {@link smoothedCrossEntropyPerExample}: a drop-in for the training
 * step's `crossEntropy(y, p)` (same clipping; identical at `smoothing = 0`).
 *
 * @example
 * ```ts
 * const { value, grads } = tf.variableGrads(
 *   () => smoothedCrossEntropy(yOneHot, model.apply(xs, { training: true }) as tf.Tensor, 0.1),
 *   vars,
 * );
 * ```
 */
export function smoothedCrossEntropy(y: Tensor, p: Tensor, smoothing: number): Scalar {
  return tidy(() => mean(smoothedCrossEntropyPerExample(y, p, smoothing)) as Scalar);
}

/**
 * A tfjs-layers loss (`model.compile({ loss: labelSmoothingLoss(0.1), … })`): per-example
 * {@link smoothedCrossEntropyPerExample}, which `model.fit` averages over the batch.
 */
export function labelSmoothingLoss(smoothing: number): (yTrue: Tensor, yPred: Tensor) => Tensor {
  checkSmoothing(smoothing);
  return (yTrue, yPred) => smoothedCrossEntropyPerExample(yTrue, yPred, smoothing);
}
