import { add, concat, mul, reverse, scalar, slice, type Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { evaluatorOf, type ImageArray, type PredictOptions, predictBatched } from '../evaluate.js';

/**
 * Test-time flip averaging: the class probabilities of each image averaged with those of its
 * horizontal mirror, `½·(p(x) + p(mirror(x)))`, in batches (each batch and its mirror in one
 * forward pass), with no tensors left behind. For evaluation only; report it apart from the plain
 * figure. Images as {@link predictProbabilities} takes them (uint8 0..255 or float32 0..1, NHWC).
 *
 * @returns N × classes float32 values, row-major.
 */
export function predictFlipAveraged(
  model: LayersModel,
  images: ImageArray,
  options: PredictOptions = {},
): Promise<Float32Array> {
  return predictBatched(model, images, options, (x, b, classes) => {
    // NHWC: axis 2 is the width, so this is the left-right mirror of every image.
    const both = model.predict(concat([x, reverse(x, 2)], 0)) as Tensor;
    return mul(
      add(slice(both, [0, 0], [b, classes]), slice(both, [b, 0], [b, classes])),
      scalar(0.5),
    );
  });
}

/**
 * Accuracy, loss and predictions as `evaluateModel` gives them, from flip-averaged probabilities
 * ({@link predictFlipAveraged}).
 */
export const evaluateFlipAveraged = evaluatorOf(predictFlipAveraged);
