import { augmentOffline } from '@fmnist/augment';
import { scaleImages, trainValidationSplit } from '@fmnist/data';
import { InvalidDataError } from '../errors.js';
import { type ImageArray, imageCount, type LabelledImages } from '../evaluate.js';
import { deriveSeed, STREAM } from '../seeds.js';
import { createAugmentation } from './augmentation.js';
import type { ResolvedOptions } from './options.js';

/** Training images as float32 0..1, with their labels. */
export interface TrainingSet {
  images: Float32Array<ArrayBufferLike>;
  labels: Uint8Array;
  count: number;
}

/** Throws {@link InvalidDataError} unless `data` holds `count` images of `imageShape` and labels below `classes`. */
export function checkLabelled(
  data: LabelledImages,
  imageShape: number[],
  classes: number,
  what: string,
): void {
  if (!data?.images || !data.labels) {
    throw new InvalidDataError({
      what,
      problem: 'pass { images, labels, count } (a Split of @fmnist/data).',
    });
  }
  const n = imageCount(data.images, imageShape, `${what}.images`);
  if (n !== data.count || data.labels.length !== data.count) {
    throw new InvalidDataError({
      what,
      problem: `count is ${data.count} but there are ${n} images and ${data.labels.length} labels; give one label per image.`,
    });
  }
  for (let i = 0; i < data.labels.length; i++) {
    if (data.labels[i]! >= classes) {
      throw new InvalidDataError({
        what: `${what}.labels`,
        problem: `label ${data.labels[i]} at index ${i} is not below ${classes}, the model's class count.`,
      });
    }
  }
}

const SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255); // as @fmnist/data's scaleImages

/**
 * Images as float32 0..1. `shared`: in a `SharedArrayBuffer` (for worker threads), written there
 * directly so that no second copy of the set is made.
 */
function toFloat(images: ImageArray, shared: boolean): Float32Array<ArrayBufferLike> {
  if (!shared) return images instanceof Float32Array ? images : scaleImages(images);
  const out = new Float32Array(new SharedArrayBuffer(images.length * 4));
  if (images instanceof Float32Array) out.set(images);
  else for (let i = 0; i < images.length; i++) out[i] = SCALE[images[i]!]!;
  return out;
}

/**
 * The data of a run: the seeded validation split (on the caller's arrays, so uint8 stays uint8), the
 * training part as float32 0..1, and in `'offline'` mode the augmented copies appended once. With
 * more than one worker the training images end up in a `SharedArrayBuffer`, copied once.
 */
export function prepareTrainingData(
  data: LabelledImages,
  validationData: LabelledImages | undefined,
  o: ResolvedOptions,
  imageShape: [number, number, number],
): { train: TrainingSet; validation: LabelledImages | undefined } {
  let trainPart: LabelledImages = data;
  let validation: LabelledImages | undefined;
  if (validationData) {
    validation = validationData;
  } else if (o.validationSplit > 0) {
    const parts = trainValidationSplit(data as Parameters<typeof trainValidationSplit>[0], {
      validationSplit: o.validationSplit,
      seed: deriveSeed(o.seed, STREAM.split),
    });
    trainPart = parts.train as LabelledImages;
    validation = parts.validation as LabelledImages;
  }
  const shared = o.workers > 1 && o.augment?.mode !== 'offline';
  let train: TrainingSet = {
    images: toFloat(trainPart.images, shared),
    labels: trainPart.labels,
    count: trainPart.count,
  };
  if (train.count === 0) {
    throw new InvalidDataError({
      what: 'data',
      problem:
        'no training images are left after the validation split; pass more images or a smaller validationSplit.',
    });
  }
  if (o.augment?.mode === 'offline') {
    const r = augmentOffline(
      train.images,
      train.labels,
      [train.count, ...imageShape],
      o.augment.copies,
      createAugmentation(o.augment),
      deriveSeed(o.seed, STREAM.offline),
    );
    train = { images: r.images, labels: r.labels, count: r.shape[0] };
  }
  return { train, validation };
}
