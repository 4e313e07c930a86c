import { scaleImages } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerFailedError } from '../errors.js';
import { createVggSmall } from '../model.js';
import { PRESETS } from '../presets.js';
import { backendDataIds, relError } from '../test-helpers/index.js';
import { useWasmTraining } from '../test-helpers/training.js';
import { batchGradients } from '../train/gradients.js';
import { type DataParallelOptions, DataParallelTrainer, liveWorkerCount } from './trainer.js';

const setup = useWasmTraining();

const N = 96;
const train = () => ({
  images: scaleImages(setup.data.train.images.subarray(0, N * 784)),
  labels: setup.data.train.labels.subarray(0, N),
  count: N,
});
/** No batch norm, no dropout: the averaged gradient is the whole batch's gradient. */
const PLAIN = {
  blockFilters: [4, 8],
  convsPerBlock: 1,
  denseUnits: [16],
  batchNorm: false,
  blockDropout: 0,
  denseDropout: 0,
};

let optimizer: tf.Optimizer; // a template: the workers copy its class and configuration
beforeAll(() => {
  optimizer = tf.train.adam(1e-3);
});
afterAll(() => optimizer.dispose());

function options(
  model: LayersModel,
  extra: Partial<DataParallelOptions> = {},
): DataParallelOptions {
  return {
    model,
    optimizer,
    workers: 2,
    data: train(),
    imageShape: [28, 28, 1],
    classes: 10,
    maxBatchSize: 32,
    seed: 7,
    ...extra,
  };
}
const batch = (b: number, size = 32) =>
  Uint32Array.from({ length: size }, (_, j) => (b * size + j * 5) % N);

describe('DataParallelTrainer (2 worker threads, wasm)', () => {
  it('averages shard gradients into the whole batch gradient, with no tensor left behind', async () => {
    const model = createVggSmall(PLAIN);
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const trainer = await DataParallelTrainer.create(options(model));
    try {
      // 31 images: shards of 15 and 16, weighted by their size
      const indices = batch(0).subarray(0, 31);
      await trainer.step({ epoch: 0, batch: 0, indices, learningRate: 1e-3 });
      const averaged = trainer.lastAveragedGradients();

      const set = train();
      const x = new Float32Array(31 * 784);
      const y = new Int32Array(31);
      indices.forEach((i, j) => {
        x.set(set.images.subarray(i * 784, (i + 1) * 784), j * 784);
        y[j] = set.labels[i]!;
      });
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const r = batchGradients(model, vars, x, [31, 28, 28, 1], y, 10);
      const whole = vars.map((v) => r.grads[v.name]!.dataSync().slice());
      tf.dispose([r.loss, r.correct, ...Object.values(r.grads)]);
      expect(averaged).toHaveLength(whole.length);
      averaged.forEach((g, i) => {
        expect(relError(g, whole[i]!)).toBeLessThan(1e-5);
      });
    } finally {
      await trainer.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
    model.dispose();
  });

  it('keeps the replicas bit-identical (batch norm and dropout included), deterministic, whichever update', async () => {
    const run = async (update: 'all-apply' | 'broadcast') => {
      const model = createVggSmall(PRESETS.tiny.model);
      const trainer = await DataParallelTrainer.create(options(model, { update }));
      try {
        const losses: number[] = [];
        const step = async (b: number) =>
          losses.push(
            (await trainer.step({ epoch: 0, batch: b, indices: batch(b), learningRate: 2e-3 }))
              .loss,
          );
        await step(0);
        const memory = await Promise.all([trainer.memory(0), trainer.memory(1)]);
        await step(1);
        await step(2);
        // no tensor and no wasm buffer leaks in the workers from one step to the next
        expect(await Promise.all([trainer.memory(0), trainer.memory(1)])).toEqual(memory);
        const [w0, w1] = await Promise.all([trainer.weights(0), trainer.weights(1)]);
        return { losses, w0, w1, before: model.getWeights().map((t) => t.dataSync().slice()) };
      } finally {
        await trainer.dispose();
        model.dispose();
      }
    };
    const a = await run('all-apply');
    expect(a.w1.map((w) => w.data)).toEqual(a.w0.map((w) => w.data));
    // the step changed the weights (replicas trained), batch-norm statistics included
    const moved = a.w0.filter((w, i) => relError(w.data, a.before[i]!) > 0).map((w) => w.name);
    expect(moved).toContain('block1_bn1/moving_mean');
    expect(moved).toContain('block1_conv1/kernel');
    // replica 0 applies the update and the others copy its weights: the same numbers again
    const b = await run('broadcast');
    expect(b.w1.map((w) => w.data)).toEqual(b.w0.map((w) => w.data));
    expect(b.losses).toEqual(a.losses);
    expect(b.w0.map((w) => w.data)).toEqual(a.w0.map((w) => w.data));
  });

  it.each([
    ['exits mid-step', 'exit', /exited with code 70/],
    ['throws mid-step', 'throw', /injected fault/],
  ] as const)(
    'fails with WorkerFailedError when a worker %s: no hang, no orphan',
    async (_, kind, reason) => {
      const model = createVggSmall(PLAIN);
      const trainer = await DataParallelTrainer.create(
        options(model, { fault: { worker: 1, atStep: 1, kind } }),
      );
      await trainer.step({ epoch: 0, batch: 0, indices: batch(0), learningRate: 1e-3 });
      const err = await trainer
        .step({ epoch: 0, batch: 1, indices: batch(1), learningRate: 1e-3 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerFailedError);
      expect(WorkerFailedError.isInstance(err)).toBe(true);
      const e = err as WorkerFailedError;
      expect(e.code).toBe('WORKER_FAILED');
      expect(e.worker).toBe(1);
      expect(e.message).toMatch(reason);
      expect(e.message).toMatch(/resume/);
      // later calls fail the same way instead of waiting
      await expect(trainer.weights(0)).rejects.toBe(err);
      await trainer.dispose();
      expect(liveWorkerCount()).toBe(0);
      model.dispose();
    },
  );
});
