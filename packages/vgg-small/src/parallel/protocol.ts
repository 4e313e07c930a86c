import type { OptimizerState, PlainAverage, PlainWeight } from '../checkpoint.js';
import type { UpdateWeightDecay } from '../train/apply-update.js';
import type { AugmentSettings, WeightAveragingOptions } from '../train/options.js';

/** The recipe options a replica applies itself (the schedule's rates come with each step). */
export interface ReplicaRecipe {
  /** Label smoothing of the training loss (0: none). */
  labelSmoothing: number;
  weightDecay: UpdateWeightDecay | null;
  /** A weight average kept by replica 0, or none. */
  weightAveraging: Required<WeightAveragingOptions> | null;
}

import type { SharedBuffers } from './shared-memory.js';

/** How the replicas end a step with identical weights. */
export type UpdateMode = 'all-apply' | 'broadcast';

/** A fault a test makes a replica suffer in the middle of a step (after its gradients, before the barrier). */
export interface InjectedFault {
  worker: number;
  /** 0-based step (counted over the trainer's life) in which it happens. */
  atStep: number;
  /** `'exit'`: the thread ends at once (as if killed); `'throw'`: the step throws. */
  kind: 'exit' | 'throw';
}

/** Everything a worker starts with (its `workerData`). */
export interface ReplicaInit {
  rank: number;
  replicas: number;
  backend: 'wasm' | 'cpu';
  /** `model.toJSON(null, false)`. */
  topology: unknown;
  /** Initial values of `model.weights`, in order. */
  weights: PlainWeight[];
  optimizer: { className: string; config: Record<string, unknown> };
  optimizerState: OptimizerState | null;
  /** Float32 images (shared), labels (shared), and the image shape. */
  images: Float32Array;
  labels: Uint8Array;
  imageShape: [number, number, number];
  classes: number;
  seed: number;
  /** Online augmentation applied to each replica's shard, or null. */
  augment: Required<AugmentSettings> | null;
  update: UpdateMode;
  recipe: ReplicaRecipe;
  shared: SharedBuffers;
  fault: InjectedFault | null;
}

/** Coordinator → worker. */
export type Request =
  | {
      type: 'step';
      epoch: number;
      batch: number;
      indices: Uint32Array;
      learningRate: number;
      momentum?: number;
    }
  | { type: 'weights' }
  | { type: 'average' }
  | { type: 'optimizerState' }
  | { type: 'memory' };

/** Worker → coordinator. */
export type Reply =
  | { type: 'ready' }
  | { type: 'stepped'; loss: number; correct: number; count: number }
  | { type: 'weights'; weights: PlainWeight[] }
  | { type: 'average'; average: PlainAverage | null }
  | { type: 'optimizerState'; state: OptimizerState }
  | { type: 'memory'; tensors: number; dataIds: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; stack?: string };
