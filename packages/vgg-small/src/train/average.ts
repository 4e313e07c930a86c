import { dispose, tensor, type Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { PlainAverage } from '../checkpoint.js';
import { WeightAverage } from '../recipe/weight-average.js';
import type { ResolvedOptions } from './options.js';

/**
 * The weight average of `weightAveraging` over every weight of `model` (batch-norm statistics
 * included), started at the model's current weights or restored from `from` (a checkpoint's); null
 * when the options keep none.
 */
export function createTrainingAverage(
  model: LayersModel,
  o: Pick<ResolvedOptions, 'weightAveraging'>,
  from: PlainAverage | null | undefined,
): WeightAverage | null {
  if (!o.weightAveraging) return null;
  const average = new WeightAverage(model, o.weightAveraging);
  if (from) {
    const weights = model.weights.map((w, i) => {
      const p = from.weights[i];
      return {
        name: (w.read() as Variable).name,
        tensor: tensor(p ? p.data : [], p ? p.shape : [0]),
      };
    });
    try {
      average.loadState({ updates: from.updates, weights });
    } catch (e) {
      average.dispose();
      throw e;
    } finally {
      dispose(weights.map((w) => w.tensor));
    }
  }
  return average;
}

/** `average`'s state as plain data, named after `model.weights` (the same in every thread). */
export function plainAverage(average: WeightAverage, model: LayersModel): PlainAverage {
  const { updates, weights } = average.state();
  return {
    updates,
    weights: weights.map((w, i) => ({
      name: model.weights[i]!.originalName,
      shape: [...w.tensor.shape],
      data: w.tensor.dataSync().slice() as Float32Array,
    })),
  };
}
