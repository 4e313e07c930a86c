import { dispose } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type History, type OptimizerState, readLatestCheckpoint } from '../checkpoint.js';
import { CheckpointError } from '../errors.js';
import type { EarlyStopping } from './early-stopping.js';

/** What a run resumed from a checkpoint starts with. */
export interface Resumed {
  /** Epochs the checkpoint completed. */
  epochsCompleted: number;
  /** Training time of those epochs (ms). */
  timeMs: number;
  /** The optimizer's state after those epochs. */
  optimizer: OptimizerState;
  /** Directory of the checkpoint. */
  dir: string;
}

/**
 * Resumes from the newest checkpoint under `root`, if any: checks that it belongs to this setup
 * (`fingerprint`), loads its weights into `model`, its history into `history` and its early-stopping
 * progress into `earlyStopping`, and returns the rest. Null when there is no checkpoint.
 * @throws CheckpointError `CHECKPOINT_MISMATCH` for another setup's checkpoint, `CHECKPOINT_INVALID`
 *   for an unreadable one.
 */
export async function resumeFromCheckpoint(
  root: string,
  model: LayersModel,
  print: string,
  history: History,
  earlyStopping: EarlyStopping,
): Promise<Resumed | null> {
  const ckpt = await readLatestCheckpoint(root);
  if (!ckpt) return null;
  try {
    if (ckpt.state.fingerprint !== print) {
      throw new CheckpointError({ code: 'CHECKPOINT_MISMATCH', dir: ckpt.dir });
    }
    model.loadWeights(ckpt.modelWeights, true);
    Object.assign(history, structuredClone(ckpt.state.history));
    earlyStopping.resume(ckpt.state.earlyStopping, ckpt.bestWeights);
    return {
      epochsCompleted: ckpt.state.epochsCompleted,
      timeMs: ckpt.state.timeMs,
      optimizer: ckpt.optimizer,
      dir: ckpt.dir,
    };
  } finally {
    dispose(Object.values(ckpt.modelWeights));
    if (ckpt.bestWeights) dispose(Object.values(ckpt.bestWeights));
  }
}
