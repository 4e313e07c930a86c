import { Worker } from 'node:worker_threads';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  type OptimizerState,
  type PlainAverage,
  type PlainWeight,
  plainModelWeights,
} from '../checkpoint.js';
import { WorkerFailedError } from '../errors.js';
import type { AugmentSettings } from '../train/options.js';
import type {
  InjectedFault,
  ReplicaInit,
  ReplicaRecipe,
  Reply,
  Request,
  UpdateMode,
} from './protocol.js';
import { createSharedBuffers, requestStop, type SharedBuffers } from './shared-memory.js';
import { workerEntry } from './worker-entry.js';

export type { UpdateMode } from './protocol.js';

/** Options of {@link DataParallelTrainer.create}. */
export interface DataParallelOptions {
  /**
   * The model to replicate: a single-input classifier with a softmax output (its topology and
   * current weights are copied into every worker; the model itself is not changed).
   */
  model: LayersModel;
  /** An optimizer whose class and configuration every replica copies (e.g. `tf.train.adam(1e-3)`). */
  optimizer: Optimizer;
  /** The optimizer's state to start from (a resumed run), or none for a fresh one. */
  optimizerState?: OptimizerState | null;
  /** Worker threads (replicas), ≥ 1. */
  workers: number;
  /** tfjs backend of the workers. Default `'wasm'` (with `registerWasmTrainingKernels()`). */
  backend?: 'wasm' | 'cpu';
  /**
   * Training images as float32 (shared with the workers without a copy when the array is backed by
   * a `SharedArrayBuffer`, else copied into one once) and their integer labels.
   */
  data: { images: Float32Array<ArrayBufferLike>; labels: Uint8Array; count: number };
  /** `[height, width, channels]` of one image, and the number of classes. */
  imageShape: [number, number, number];
  classes: number;
  /** The largest batch a step will get. */
  maxBatchSize: number;
  /** Seed of the dropout masks and the online augmentation (derived per epoch, batch and replica). */
  seed: number;
  /** Online augmentation of every replica's shard, or none. */
  augment?: Required<AugmentSettings> | null;
  /**
   * `'all-apply'` (default): every replica applies the averaged gradients itself. `'broadcast'`:
   * replica 0 applies them and the others copy its weights (scripts/bench-parallel.ts measures both).
   */
  update?: UpdateMode;
  /**
   * Label smoothing, weight decay and weight averaging (kept by replica 0), as `trainVggSmall`'s
   * options of those names. Default: none of them.
   */
  recipe?: Partial<ReplicaRecipe>;
  /** @internal A fault to inject, for tests. */
  fault?: InjectedFault;
}

/** What one data-parallel step reports. */
export interface DataParallelStep {
  /** Mean loss over the whole batch. */
  loss: number;
  /** Images of the batch classified right. */
  correct: number;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

function shared<T extends Float32Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike>>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  (out as Float32Array).set(a as Float32Array);
  return out;
}

let live = 0;
/** @internal Worker threads started by this module that have not exited (tests check for orphans). */
export function liveWorkerCount(): number {
  return live;
}

/**
 * Data-parallel training of a TensorFlow.js layers model on N worker threads of this process, each
 * with its own tfjs and a replica of the model. Every step splits the batch into N near-equal
 * shards; each replica computes its shard's gradients; the gradients (weighted by shard size) and
 * the batch-norm moving statistics are averaged in shared memory; every replica then holds the
 * same weights. Deterministic for a fixed N and seed.
 *
 * A worker that throws, runs out of memory or exits stops every worker and fails the step with
 * {@link WorkerFailedError}; nothing waits forever and no thread outlives {@link dispose}.
 */
export class DataParallelTrainer {
  private readonly pending: (Pending | undefined)[];
  private failure: Error | undefined;
  private disposed = false;
  private readonly exited: Promise<void>[];

  private constructor(
    readonly workers: number,
    private readonly threads: Worker[],
    private readonly buffers: SharedBuffers,
    private readonly shapes: number[][],
  ) {
    this.pending = new Array(workers).fill(undefined);
    this.exited = threads.map(
      (t, rank) =>
        new Promise<void>((resolve) => {
          t.on('message', (r: Reply) => this.onReply(rank, r));
          t.on('error', (e) => this.fail(rank, e.message, e));
          t.on('exit', (code) => {
            live--;
            if (!this.disposed) this.fail(rank, `its thread exited with code ${code}`);
            resolve();
          });
        }),
    );
  }

  /** Starts the workers and waits until every replica is built. */
  static async create(o: DataParallelOptions): Promise<DataParallelTrainer> {
    const n = o.workers;
    const trainable = o.model.trainableWeights.reduce((s, w) => s + w.read().size, 0);
    const states = o.model.nonTrainableWeights.reduce((s, w) => s + w.read().size, 0);
    const buffers = createSharedBuffers(n, trainable, states);
    const images = shared(o.data.images);
    const labels = shared(o.data.labels);
    const weights = plainModelWeights(o.model);
    const entry = workerEntry();
    const threads: Worker[] = [];
    for (let rank = 0; rank < n; rank++) {
      const init: ReplicaInit = {
        rank,
        replicas: n,
        backend: o.backend ?? 'wasm',
        topology: o.model.toJSON(null, false),
        weights,
        optimizer: {
          className: o.optimizer.getClassName(),
          config: o.optimizer.getConfig() as Record<string, unknown>,
        },
        optimizerState: o.optimizerState ?? null,
        images,
        labels,
        imageShape: o.imageShape,
        classes: o.classes,
        seed: o.seed,
        augment: o.augment ?? null,
        update: o.update ?? 'all-apply',
        recipe: {
          labelSmoothing: o.recipe?.labelSmoothing ?? 0,
          weightDecay: o.recipe?.weightDecay ?? null,
          weightAveraging: o.recipe?.weightAveraging ?? null,
        },
        shared: buffers,
        fault: o.fault ?? null,
      };
      threads.push(
        new Worker(entry.script, {
          eval: entry.eval,
          workerData: { init, maxBatch: o.maxBatchSize },
        }),
      );
      live++;
    }
    const trainer = new DataParallelTrainer(
      n,
      threads,
      buffers,
      o.model.trainableWeights.map((w) => [...w.read().shape]),
    );
    try {
      await Promise.all(threads.map((_, rank) => trainer.expect(rank, 'ready')));
    } catch (e) {
      await trainer.dispose();
      throw e;
    }
    return trainer;
  }

  private onReply(rank: number, r: Reply): void {
    if (r.type === 'failed') {
      const cause = new Error(r.message);
      if (r.stack) cause.stack = r.stack;
      this.fail(rank, r.message, cause);
      return;
    }
    const p = this.pending[rank];
    this.pending[rank] = undefined;
    p?.resolve(r);
  }

  /** Records the first failure, stops every replica and fails every pending request. */
  private fail(rank: number, reason: string, cause?: unknown): void {
    if (this.disposed && !this.failure) return;
    if (!this.failure) {
      this.failure = new WorkerFailedError({ worker: rank, reason, cause });
      requestStop(this.buffers.control);
      for (const t of this.threads) void t.terminate();
    }
    for (let r = 0; r < this.pending.length; r++) {
      const p = this.pending[r];
      this.pending[r] = undefined;
      p?.reject(this.failure);
    }
  }

  private expect<T extends Reply['type']>(rank: number, type: T, request?: Request) {
    return new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
      if (this.failure || this.disposed) {
        reject(this.failure ?? new Error('the DataParallelTrainer was disposed'));
        return;
      }
      this.pending[rank] = {
        resolve: (r) => {
          if (r.type === type) resolve(r as Extract<Reply, { type: T }>);
          else if (r.type === 'stopped') reject(this.failure ?? new Error('worker stopped'));
          else reject(new Error(`worker ${rank} answered ${r.type} to ${type}`));
        },
        reject,
      };
      if (request) this.threads[rank]!.postMessage(request);
    });
  }

  /**
   * One step on the training images `indices` (global batch, split into `workers` shards in order):
   * every replica ends it with the same weights.
   */
  async step(s: {
    epoch: number;
    batch: number;
    indices: Uint32Array;
    learningRate: number;
    momentum?: number;
  }): Promise<DataParallelStep> {
    const request: Request = { type: 'step', ...s };
    const replies = await Promise.all(
      this.threads.map((_, rank) => this.expect(rank, 'stepped', request)),
    );
    let loss = 0;
    let correct = 0;
    for (const r of replies) {
      loss += r.loss * r.count;
      correct += r.correct;
    }
    return { loss: loss / s.indices.length, correct };
  }

  /** Replica `rank`'s weights (`model.weights` order; every replica holds the same). */
  async weights(rank = 0): Promise<PlainWeight[]> {
    return (await this.expect(rank, 'weights', { type: 'weights' })).weights;
  }

  /** Replica 0's weight average (`recipe.weightAveraging`), or null when none is kept. */
  async average(): Promise<PlainAverage | null> {
    return (await this.expect(0, 'average', { type: 'average' })).average;
  }

  /**
   * Replica 0's optimizer state (with `'all-apply'` every replica's is the same), with its weight
   * average when one is kept.
   */
  async optimizerState(): Promise<OptimizerState> {
    return (await this.expect(0, 'optimizerState', { type: 'optimizerState' })).state;
  }

  /** @internal Tensors and backend buffers held by replica `rank`'s tfjs (leak tests). */
  async memory(rank: number): Promise<{ tensors: number; dataIds: number }> {
    const { tensors, dataIds } = await this.expect(rank, 'memory', { type: 'memory' });
    return { tensors, dataIds };
  }

  /** @internal The averaged gradients of the last step, per trainable variable (tests). */
  lastAveragedGradients(): Float32Array[] {
    const avg = new Float32Array(this.buffers.averaged);
    let offset = 0;
    return this.shapes.map((shape) => {
      const size = shape.reduce((p, d) => p * d, 1);
      const out = avg.slice(offset, offset + size);
      offset += size;
      return out;
    });
  }

  /**
   * Stops every worker, at once (a step in flight rejects); resolves once all have exited. Safe to
   * call more than once.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    requestStop(this.buffers.control);
    for (const t of this.threads) void t.terminate();
    const stopped = this.failure ?? new Error('the DataParallelTrainer was disposed');
    for (let r = 0; r < this.pending.length; r++) {
      const p = this.pending[r];
      this.pending[r] = undefined;
      p?.reject(stopped);
    }
    await Promise.all(this.exited);
  }
}
