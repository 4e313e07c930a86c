import { type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { InvalidDataError } from './errors.js';

/** Images as `@fmnist/data` gives them: N×H×W×C values, uint8 0..255 or float32 already scaled to 0..1. */
export type ImageArray = Uint8Array | Float32Array;

/** A labelled set of images (a `Split` of `@fmnist/data`). */
export interface LabelledImages {
  images: ImageArray;
  labels: Uint8Array;
  count: number;
}

/** Options of the batched inference functions. */
export interface PredictOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
}

/** Result of {@link evaluateModel}. */
export interface EvaluateResult {
  /** Fraction of images whose arg-max class is the label. */
  accuracy: number;
  /** Mean categorical cross-entropy (probabilities clipped to [1e-7, 1 − 1e-7], as Keras). */
  loss: number;
  /** Predicted class of each image. */
  predictions: Uint8Array;
  /** Number of images evaluated. */
  count: number;
}

const EPS = 1e-7;

/** `[height, width, channels]` and number of classes of a single-input, single-output model. */
export function modelIo(model: LayersModel): {
  imageShape: [number, number, number];
  classes: number;
} {
  const inShape = (model.inputs[0] as SymbolicTensor).shape;
  const outShape = (model.outputs[0] as SymbolicTensor).shape;
  if (inShape.length !== 4 || outShape.length !== 2) {
    throw new InvalidDataError({
      what: 'model',
      problem: `expected an image classifier ([N, H, W, C] → [N, classes]); got [${inShape}] → [${outShape}]. Pass a single-input softmax classifier such as createVggSmall() builds.`,
    });
  }
  return {
    imageShape: inShape.slice(1) as [number, number, number],
    classes: outShape[1] as number,
  };
}

/** Checks that `images` hold whole images of the model's size; returns the image count. */
export function imageCount(
  images: ImageArray,
  imageShape: readonly number[],
  what = 'images',
): number {
  const size = imageShape.reduce((p, d) => p * d, 1);
  if (!(images instanceof Uint8Array || images instanceof Float32Array)) {
    throw new InvalidDataError({
      what,
      problem: 'pass a Uint8Array (0..255) or a Float32Array (0..1).',
    });
  }
  if (images.length % size !== 0) {
    throw new InvalidDataError({
      what,
      problem: `${images.length} values are not a whole number of ${imageShape.join('×')} images; pass whole images of the model's input shape.`,
    });
  }
  return images.length / size;
}

/** Copies images `start..end` into `out` as float32 0..1 (uint8 is divided by 255). */
export function fillBatch(
  images: ImageArray,
  size: number,
  start: number,
  end: number,
  out: Float32Array,
) {
  const src = images.subarray(start * size, end * size);
  if (src instanceof Float32Array) out.set(src);
  else for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
}

// setImmediate under Node; browsers have none, and a 0 ms timeout yields there.
const yieldToEventLoop = () =>
  new Promise<void>((r) =>
    typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0),
  );

/**
 * The batched prediction loop behind {@link predictProbabilities} and the flip-averaged variant:
 * validates `batchSize`, scales each batch into one reused float32 buffer, runs `forward` on it
 * inside `tidy`, copies the N × classes result out and disposes it, yielding to the event loop
 * between batches. @internal
 */
export async function predictBatched(
  model: LayersModel,
  images: ImageArray,
  options: PredictOptions,
  forward: (x: Tensor, batch: number, classes: number) => Tensor,
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
    const probs = tidy(() => forward(tensor(view, [b, ...imageShape]), b, classes));
    try {
      out.set((await probs.data()) as Float32Array, start * classes);
    } finally {
      probs.dispose();
    }
    await yieldToEventLoop();
  }
  return out;
}

/**
 * Class probabilities for every image, computed in batches (no tensors are left behind).
 * @returns N × classes float32 values, row-major.
 */
export function predictProbabilities(
  model: LayersModel,
  images: ImageArray,
  options: PredictOptions = {},
): Promise<Float32Array> {
  return predictBatched(model, images, options, (x) => model.predict(x) as Tensor);
}

function argMaxRows(probs: Float32Array, classes: number): Uint8Array {
  const n = probs.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** The predicted class (arg-max of the probabilities) of every image, in batches. */
export async function predictClasses(
  model: LayersModel,
  images: ImageArray | { images: ImageArray },
  options: PredictOptions = {},
): Promise<Uint8Array> {
  const data =
    images instanceof Uint8Array || images instanceof Float32Array ? images : images.images;
  const probs = await predictProbabilities(model, data, options);
  return argMaxRows(probs, modelIo(model).classes);
}

/**
 * Accuracy, loss and predictions of a model on labelled images, in batches and without tensor
 * leaks. Images may be uint8 (0..255, scaled here) or float32 (0..1).
 *
 * @example
 * ```ts
 * const { accuracy, loss, predictions } = await evaluateModel(model, data.test, { batchSize: 500 });
 * ```
 */
export const evaluateModel = evaluatorOf(predictProbabilities);

/**
 * An evaluation function like {@link evaluateModel} over the probabilities `predict` returns
 * (plain or flip-averaged): it checks that images, labels and count agree, then gives accuracy,
 * loss and arg-max predictions. @internal
 */
export function evaluatorOf(
  predict: (
    model: LayersModel,
    images: ImageArray,
    options: PredictOptions,
  ) => Promise<Float32Array>,
) {
  return async (
    model: LayersModel,
    data: LabelledImages,
    options: PredictOptions = {},
  ): Promise<EvaluateResult> => {
    const { imageShape, classes } = modelIo(model);
    const n = imageCount(data.images, imageShape);
    if (n !== data.count || data.labels.length !== data.count) {
      throw new InvalidDataError({
        what: 'data',
        problem: `count is ${data.count} but there are ${n} images and ${data.labels.length} labels; give one label per image.`,
      });
    }
    const probs = await predict(model, data.images, options);
    const predictions = argMaxRows(probs, classes);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const label = data.labels[i]!;
      if (label >= classes) {
        throw new InvalidDataError({
          what: 'data.labels',
          problem: `label ${label} at index ${i} is not a class of this model (0..${classes - 1}).`,
        });
      }
      if (predictions[i] === label) correct++;
      const p = Math.min(1 - EPS, Math.max(EPS, probs[i * classes + label]!));
      loss -= Math.log(p);
    }
    return { accuracy: n ? correct / n : 0, loss: n ? loss / n : 0, predictions, count: n };
  };
}
