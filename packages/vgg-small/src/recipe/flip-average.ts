import {
  add,
  concat,
  mul,
  reverse,
  scalar,
  slice,
  type Tensor,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InvalidDataError } from '../errors.js';
import {
  type EvaluateResult,
  fillBatch,
  type ImageArray,
  imageCount,
  type LabelledImages,
  modelIo,
  type PredictOptions,
} from '../evaluate.js';

const EPS = 1e-7;

const nextTick = () =>
  new Promise<void>((r) =>
    typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0),
  );

/**
 * Test-time flip averaging: the class probabilities of each image averaged with those of its
 * horizontal mirror, `½·(p(x) + p(mirror(x)))`, in batches (each batch and its mirror in one
 * forward pass), with no tensors left behind. For evaluation only; report it apart from the plain
 * figure. Images as {@link predictProbabilities} takes them (uint8 0..255 or float32 0..1, NHWC).
 *
 * @returns N × classes float32 values, row-major.
 */
export async function predictFlipAveraged(
  model: LayersModel,
  images: ImageArray,
  options: PredictOptions = {},
): Promise<Float32Array> {
  const { imageShape, classes } = modelIo(model);
  const n = imageCount(images, imageShape);
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidDataError({
      what: 'batchSize',
      problem: `must be a positive integer, got ${batchSize}.`,
    });
  }
  const size = imageShape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n * classes);
  const buf = new Float32Array(Math.min(n, batchSize) * size);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const b = end - start;
    const view = buf.subarray(0, b * size);
    fillBatch(images, size, start, end, view);
    const probs = tidy(() => {
      const x = tensor(view, [b, ...imageShape]);
      // NHWC: axis 2 is the width, so this is the left-right mirror of every image.
      const both = model.predict(concat([x, reverse(x, 2)], 0)) as Tensor;
      return mul(
        add(slice(both, [0, 0], [b, classes]), slice(both, [b, 0], [b, classes])),
        scalar(0.5),
      );
    });
    try {
      out.set((await probs.data()) as Float32Array, start * classes);
    } finally {
      probs.dispose();
    }
    await nextTick();
  }
  return out;
}

/**
 * Accuracy, loss and predictions as `evaluateModel` gives them, from flip-averaged probabilities
 * ({@link predictFlipAveraged}).
 */
export async function evaluateFlipAveraged(
  model: LayersModel,
  data: LabelledImages,
  options: PredictOptions = {},
): Promise<EvaluateResult> {
  const { imageShape, classes } = modelIo(model);
  const n = imageCount(data.images, imageShape);
  if (n !== data.count || data.labels.length !== data.count) {
    throw new InvalidDataError({
      what: 'data',
      problem: `count is ${data.count} but there are ${n} images and ${data.labels.length} labels; give one label per image.`,
    });
  }
  const probs = await predictFlipAveraged(model, data.images, options);
  const predictions = new Uint8Array(n);
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[row + c]! > probs[row + best]!) best = c;
    predictions[i] = best;
    const label = data.labels[i]!;
    if (label >= classes) {
      throw new InvalidDataError({
        what: 'data.labels',
        problem: `label ${label} at index ${i} is not a class of this model (0..${classes - 1}).`,
      });
    }
    if (best === label) correct++;
    loss -= Math.log(Math.min(1 - EPS, Math.max(EPS, probs[row + label]!)));
  }
  return { accuracy: n ? correct / n : 0, loss: n ? loss / n : 0, predictions, count: n };
}
