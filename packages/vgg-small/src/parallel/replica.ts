import { createRng } from '@fmnist/augment';
import {
  dispose,
  engine,
  memory,
  type Optimizer,
  ready,
  serialization,
  setBackend,
  tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { type LayersModel, models } from '@tensorflow/tfjs-layers';
import {
  type NamedTensor,
  type OptimizerState,
  type PlainAverage,
  type PlainWeight,
  plainModelWeights,
  readOptimizerState,
  restoreOptimizer,
} from '../checkpoint.js';
import { NesterovSgdOptimizer } from '../recipe/optimizer.js';
import type { WeightAverage } from '../recipe/weight-average.js';
import { deriveSeed, STREAM } from '../seeds.js';
import { applyUpdate } from '../train/apply-update.js';
import { createAugmentation } from '../train/augmentation.js';
import { createTrainingAverage, plainAverage } from '../train/average.js';
import { dropoutLayers } from '../train/dropout.js';
import { batchGradients } from '../train/gradients.js';
import type { ReplicaInit, Request } from './protocol.js';
import { Barrier, partBounds, reduceChunk } from './shared-memory.js';

type StepRequest = Extract<Request, { type: 'step' }>;

interface Slice {
  variable: Variable;
  offset: number;
  size: number;
  shape: number[];
}

function slices(vars: Variable[], start: number): Slice[] {
  let offset = start;
  return vars.map((variable) => {
    const size = variable.size;
    const s = { variable, offset, size, shape: [...variable.shape] };
    offset += size;
    return s;
  });
}

/** A fresh optimizer of the coordinator's class and configuration, from tfjs' serialization registry. */
function optimizerFrom({ className, config }: ReplicaInit['optimizer']): Optimizer {
  // SGD with Nesterov momentum: the recipe's optimizer (tfjs's, with setMomentum and dispose mended).
  if (className === 'Momentum' && config.useNesterov === true) {
    return new NesterovSgdOptimizer(config.learningRate as number, config.momentum as number);
  }
  const entry = serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry)
    throw new Error(`the optimizer class ${className} is not registered in this thread's tfjs`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config as serialization.ConfigDict) as unknown as Optimizer;
}

/**
 * One replica of a data-parallel run, living in a worker thread with its own tfjs: the model built
 * from the coordinator's topology and weights, its optimizer, and the step that computes its shard's
 * gradients, meets the other replicas in shared memory, and applies the averaged update.
 */
export class Replica {
  private steps = 0;
  private readonly barrier: Barrier;
  private readonly slots: Float32Array;
  private readonly averaged: Float32Array;
  private readonly broadcast: Float32Array;
  private readonly trainable: Slice[];
  private readonly states: Slice[];
  private readonly dropouts;
  private readonly augmenter;
  private readonly size: number;
  private readonly x: Float32Array;
  private readonly aug: Float32Array | undefined;
  private readonly y: Int32Array;

  private constructor(
    private readonly init: ReplicaInit,
    private readonly model: LayersModel,
    private readonly optimizer: Optimizer,
    maxShard: number,
    private readonly ema: WeightAverage | null,
  ) {
    const { shared, replicas } = init;
    this.barrier = new Barrier(shared.control, replicas);
    this.slots = new Float32Array(shared.slots);
    this.averaged = new Float32Array(shared.averaged);
    this.broadcast = new Float32Array(shared.weights);
    this.trainable = slices(
      model.trainableWeights.map((w) => w.read() as Variable),
      0,
    );
    this.states = slices(
      model.nonTrainableWeights.map((w) => w.read() as Variable),
      shared.trainableLength,
    );
    this.dropouts = dropoutLayers(model);
    this.augmenter = init.augment ? createAugmentation(init.augment) : undefined;
    this.size = init.imageShape.reduce((p, d) => p * d, 1);
    this.x = new Float32Array(maxShard * this.size);
    this.aug = this.augmenter ? new Float32Array(this.x.length) : undefined;
    this.y = new Int32Array(maxShard);
  }

  /** Starts tfjs on the chosen backend and builds the replica. */
  static async create(init: ReplicaInit, maxBatch: number): Promise<Replica> {
    if (init.backend === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      const { registerWasmTrainingKernels } = await import('../wasm-kernels.js');
      registerWasmTrainingKernels();
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    if (!(await setBackend(init.backend))) {
      throw new Error(`the ${init.backend} backend did not start in this worker`);
    }
    await ready();
    const model = await models.modelFromJSON({ modelTopology: init.topology } as never);
    const initial = init.weights.map((w) => tensor(w.data, w.shape));
    try {
      model.setWeights(initial);
    } finally {
      dispose(initial);
    }
    const optimizer = optimizerFrom(init.optimizer);
    if (init.optimizerState) await restoreOptimizer(optimizer, init.optimizerState);
    const maxShard = Math.ceil(maxBatch / init.replicas);
    // Every replica holds the same weights after a step: replica 0 alone keeps the average.
    const ema =
      init.rank === 0
        ? createTrainingAverage(model, init.recipe, init.optimizerState?.average ?? null)
        : null;
    return new Replica(init, model, optimizer, maxShard, ema);
  }

  /** One step on this replica's shard of the batch; returns the shard's mean loss, correct count and size. */
  step({ epoch, batch, indices, learningRate, momentum }: StepRequest) {
    const { rank, replicas, shared, seed, imageShape, classes } = this.init;
    const L = shared.length;
    const count = indices.length;
    const [lo, hi] = partBounds(count, replicas, rank);
    const n = hi - lo;
    const slot = this.slots.subarray(rank * L, (rank + 1) * L);
    let loss = 0;
    let correct = 0;
    if (n > 0) {
      const { images, labels } = this.init;
      const size = this.size;
      for (let j = 0; j < n; j++) {
        const i = indices[lo + j]!;
        this.x.set(images.subarray(i * size, (i + 1) * size), j * size);
        this.y[j] = labels[i]!;
      }
      const shape = [n, ...imageShape] as [number, number, number, number];
      let x = this.x.subarray(0, n * size);
      if (this.augmenter && this.aug) {
        const rng = createRng(deriveSeed(seed, STREAM.augment, epoch, batch, rank));
        x = this.augmenter.augmentBatch(x, shape, rng, { out: this.aug.subarray(0, n * size) });
      }
      const r = this.dropouts.withSeeds(
        (k) => deriveSeed(seed, STREAM.dropout, epoch, batch, k, rank),
        () =>
          batchGradients(
            this.model,
            this.trainable.map((s) => s.variable),
            x,
            shape,
            this.y.subarray(0, n),
            classes,
            this.init.recipe.labelSmoothing,
          ),
      );
      try {
        const weight = n / count;
        for (const s of this.trainable) {
          const g = r.grads[s.variable.name]!.dataSync() as Float32Array;
          for (let i = 0; i < s.size; i++) slot[s.offset + i] = g[i]! * weight;
        }
        for (const s of this.states) {
          const v = s.variable.dataSync() as Float32Array;
          for (let i = 0; i < s.size; i++) slot[s.offset + i] = v[i]! * weight;
        }
        loss = r.loss.dataSync()[0]!;
        correct = r.correct.dataSync()[0]!;
      } finally {
        dispose([r.loss, r.correct, ...Object.values(r.grads)]);
      }
    } else {
      slot.fill(0);
    }
    this.injectFault();
    this.barrier.wait(); // every slot written
    reduceChunk(this.slots, this.averaged, L, replicas, rank);
    this.barrier.wait(); // every chunk summed
    this.update(learningRate, momentum);
    this.ema?.update();
    this.steps++;
    return { loss, correct, count: n };
  }

  /** Applies the averaged gradients and takes the averaged batch-norm statistics. */
  private update(learningRate: number, momentum: number | undefined): void {
    const { rank, update } = this.init;
    const avg = this.averaged;
    const copy = (s: Slice, from: Float32Array) =>
      tensor(from.slice(s.offset, s.offset + s.size), s.shape);
    if (update === 'all-apply' || rank === 0) {
      const gradients: NamedTensor[] = this.trainable.map((s) => ({
        name: s.variable.name,
        tensor: copy(s, avg),
      }));
      try {
        applyUpdate({
          optimizer: this.optimizer,
          gradients,
          learningRate,
          ...(momentum === undefined ? {} : { momentum }),
          weightDecay: this.init.recipe.weightDecay,
          variables: this.trainable.map((s) => s.variable),
        });
      } finally {
        dispose(gradients.map((g) => g.tensor));
      }
    }
    if (update === 'broadcast') {
      if (rank === 0) {
        for (const s of this.trainable) this.broadcast.set(s.variable.dataSync(), s.offset);
      }
      this.barrier.wait(); // replica 0's weights published
      if (rank !== 0) {
        for (const s of this.trainable) {
          const t = copy(s, this.broadcast);
          s.variable.assign(t);
          t.dispose();
        }
      }
    }
    for (const s of this.states) {
      const t = copy(s, avg);
      s.variable.assign(t);
      t.dispose();
    }
  }

  private injectFault(): void {
    const f = this.init.fault;
    if (!f || f.worker !== this.init.rank || f.atStep !== this.steps) return;
    if (f.kind === 'exit') process.exit(70);
    throw new Error(`injected fault in step ${this.steps}`);
  }

  /** The model's weights (`model.weights` order) as plain data. */
  weights(): PlainWeight[] {
    return plainModelWeights(this.model);
  }

  /** Tensors and backend buffers this thread's tfjs holds (leak checks). */
  memory(): { tensors: number; dataIds: number } {
    const backend = engine().backend as unknown as { numDataIds(): number };
    return { tensors: memory().numTensors, dataIds: backend.numDataIds() };
  }

  /** The weight average as plain data (replica 0, with `weightAveraging`), else null. */
  average(): PlainAverage | null {
    return this.ema ? plainAverage(this.ema, this.model) : null;
  }

  async optimizerState(): Promise<OptimizerState> {
    const state = await readOptimizerState(this.optimizer);
    return this.ema ? { ...state, average: plainAverage(this.ema, this.model) } : state;
  }
}
