import { dispose, keep, type NamedTensorMap } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CheckpointState, NamedTensor } from '../checkpoint.js';
import type { EarlyStoppingOptions, EpochLogs } from './options.js';

type Progress = NonNullable<CheckpointState['earlyStopping']>;

function cloneWeights(model: LayersModel): NamedTensor[] {
  return model.weights.map((w) => ({ name: w.originalName, tensor: keep(w.read().clone()) }));
}

/**
 * Keras' `EarlyStopping`: watches one quantity per epoch, says when to stop, and keeps the weights
 * of the best epoch when `restoreBestWeights` is on. Its progress goes into every checkpoint.
 */
export class EarlyStopping {
  /** Best value, its epoch and the epochs waited since; null when early stopping is off. */
  progress: Progress | null;
  /** Weights of the best epoch (restoreBestWeights), owned here. */
  bestWeights: NamedTensor[] | null = null;

  constructor(private readonly options: Required<EarlyStoppingOptions> | null) {
    this.progress = options ? { best: Number.NaN, bestEpoch: -1, wait: 0 } : null;
  }

  /** Takes the progress and best weights of a checkpoint (the tensors are cloned). */
  resume(progress: Progress | null, bestWeights: NamedTensorMap | null): void {
    if (this.progress && progress) this.progress = { ...progress };
    if (this.options?.restoreBestWeights && bestWeights) {
      this.bestWeights = Object.entries(bestWeights).map(([name, t]) => ({
        name,
        tensor: keep(t.clone()),
      }));
    }
  }

  /** Records epoch `epoch`'s figures (the model holds its weights); true when training should stop. */
  update(epoch: number, logs: EpochLogs, model: LayersModel): boolean {
    const e = this.options;
    const p = this.progress;
    if (!e || !p) return false;
    const value = logs[e.monitor] as number;
    const higherIsBetter = e.monitor.endsWith('cc');
    const improved =
      p.bestEpoch < 0 ||
      (higherIsBetter ? value - e.minDelta > p.best : value + e.minDelta < p.best);
    if (improved) {
      this.progress = { best: value, bestEpoch: epoch, wait: 0 };
      if (e.restoreBestWeights) {
        if (this.bestWeights) dispose(this.bestWeights.map((w) => w.tensor));
        this.bestWeights = cloneWeights(model);
      }
      return false;
    }
    p.wait++;
    return p.wait > e.patience;
  }

  /**
   * Puts the best epoch's weights into `model` when they are not the last epoch's; returns that
   * epoch, or undefined when nothing was restored.
   */
  restoreBest(model: LayersModel, lastEpoch: number): number | undefined {
    const p = this.progress;
    if (!this.bestWeights || !p || p.bestEpoch < 0 || p.bestEpoch === lastEpoch) return undefined;
    model.loadWeights(Object.fromEntries(this.bestWeights.map((w) => [w.name, w.tensor])), true);
    return p.bestEpoch;
  }

  dispose(): void {
    if (this.bestWeights) dispose(this.bestWeights.map((w) => w.tensor));
    this.bestWeights = null;
  }
}
