import { createHash } from 'node:crypto';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LabelledImages } from '../evaluate.js';
import { type ResolvedOptions, usesRecipe } from './options.js';

/**
 * A short stable digest of what must not change between a run and its resumption: the model's
 * topology, the options that shape the trajectory, and the data (labels, first 64 KiB of images).
 * The worker count is not in it: a checkpoint resumes with any N (bit for bit with the same N).
 */
export function fingerprint(
  model: LayersModel,
  o: ResolvedOptions,
  data: LabelledImages,
  validation?: LabelledImages,
): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(model.toJSON(null, false)));
  h.update(
    JSON.stringify({
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      learningRateDecay: o.learningRateDecay,
      validationSplit: o.validationSplit,
      seed: o.seed,
      augment: o.augment,
      count: data.count,
      validationCount: validation?.count ?? 0,
    }),
  );
  // The recipe options only when used, so that earlier runs' checkpoints still resume. A schedule
  // spans the whole run, so the epoch count shapes the trajectory too.
  if (usesRecipe(o)) {
    h.update(
      JSON.stringify({
        optimizer: o.optimizer,
        momentum: o.momentum,
        schedule: o.schedule,
        epochs: o.schedule ? o.epochs : undefined,
        labelSmoothing: o.labelSmoothing,
        weightDecay: o.weightDecay,
        weightAveraging: o.weightAveraging,
      }),
    );
  }
  h.update(data.labels);
  h.update(
    new Uint8Array(
      data.images.buffer,
      data.images.byteOffset,
      Math.min(data.images.byteLength, 1 << 16),
    ),
  );
  return h.digest('hex').slice(0, 32);
}
