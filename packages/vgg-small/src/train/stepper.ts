import type { OptimizerState, PlainAverage } from '../checkpoint.js';

/** One training step: which images of the training set, in which epoch and batch. */
export interface StepInput {
  epoch: number;
  batch: number;
  /** Indices (into the training set) of the batch's images, in order. */
  indices: Uint32Array;
  learningRate: number;
  /** Momentum of this step (a one-cycle schedule with `'sgd-nesterov'`), or unchanged. */
  momentum?: number;
}

/** What a step reports: the batch's mean loss and how many of its images were classified right. */
export interface StepOutput {
  loss: number;
  correct: number;
}

/**
 * Runs the steps of a training run: on the calling thread ({@link createSingleThreadStepper}) or on
 * worker replicas ({@link createParallelStepper}). The epoch loop talks only to this.
 */
export interface Stepper {
  /** Worker threads that train (1: none, the calling thread). */
  readonly workers: number;
  /** Called before the first step of every epoch. */
  beginEpoch(epoch: number): void;
  step(input: StepInput): Promise<StepOutput>;
  /** Makes the model hold the trained weights (the replicas' with workers; nothing to do otherwise). */
  syncModel(): Promise<void>;
  /** The optimizer's state (with the weight average, when training keeps one), for a checkpoint. */
  optimizerState(): Promise<OptimizerState>;
  /** The weight average (`weightAveraging`), or null when training keeps none. */
  average(): Promise<PlainAverage | null>;
  /** Frees everything, workers included (they have exited when this resolves). */
  dispose(): Promise<void>;
}
