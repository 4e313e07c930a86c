// The recipe options of trainVggSmall (schedule, optimizer, label smoothing, weight decay, weight
// averaging) on a tiny model and a few hundred real images, on one thread and on two workers.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { readLatestCheckpoint } from '../checkpoint.js';
import { InvalidConfigError } from '../errors.js';
import { createVggSmall } from '../model.js';
import { PRESETS } from '../presets.js';
import { oneCycleSchedule } from '../recipe/schedules.js';
import { backendDataIds } from '../test-helpers/index.js';
import { subset, trainAborted, useWasmTraining } from '../test-helpers/training.js';
import { trainVggSmall } from '../train.js';
import type { TrainOptions } from './options.js';

const setup = useWasmTraining('vgg-recipe-');

const MODEL = { blockFilters: [4, 8], convsPerBlock: 1, denseUnits: [16], seed: 3 };
const train = () => subset(setup.data.train, 300);
const BASE: TrainOptions = {
  epochs: 2,
  batchSize: 50,
  learningRate: 2e-3,
  validationSplit: 0.2,
  seed: 5,
};
// 240 training images, 5 steps per epoch.
const RECIPE: TrainOptions = {
  optimizer: 'sgd-nesterov',
  learningRate: 0.05,
  schedule: { kind: 'one-cycle' },
  labelSmoothing: 0.1,
  weightDecay: 5e-4,
  weightAveraging: { decay: 0.9 },
  augment: { transform: { widthShiftRange: 2, heightShiftRange: 2, horizontalFlip: true } },
};

const weightsOf = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

async function run(options: TrainOptions) {
  const model = createVggSmall(MODEL);
  const firstLosses: number[] = [];
  const r = await trainVggSmall(model, train(), {
    ...BASE,
    ...options,
    onBatchEnd: (b, l) => {
      if (l.epoch === 0 && b === 0) firstLosses.push(l.loss);
    },
  });
  const weights = weightsOf(model);
  model.dispose();
  return { r, weights, firstLoss: firstLosses[0]! };
}

describe('trainVggSmall recipe options', () => {
  it('the defaults, spelled out, train exactly as before', async () => {
    const a = await run({});
    const b = await run({
      optimizer: 'adam',
      labelSmoothing: 0,
      weightDecay: 0,
      weightAveraging: false,
    });
    expect(b.r.history).toEqual(a.r.history);
    expect(b.weights).toEqual(a.weights);
  });

  it('each option changes what it should', async () => {
    const plain = await run({});
    // label smoothing: the same first batch, a different (larger) loss
    const smooth = await run({ labelSmoothing: 0.2 });
    expect(smooth.firstLoss).toBeGreaterThan(plain.firstLoss);
    // weight decay: other weights, the same first loss
    const decayed = await run({ weightDecay: 0.5 });
    expect(decayed.firstLoss).toBe(plain.firstLoss);
    expect(decayed.weights).not.toEqual(plain.weights);
    // a schedule: each epoch's logged rate is the one-cycle rate of its last step
    const cycle = await run({ schedule: { kind: 'one-cycle', maxLearningRate: 0.01 } });
    const lr = oneCycleSchedule({ maxLearningRate: 0.01 });
    expect(cycle.r.history.loss).toHaveLength(2);
    const rates: number[] = [];
    const model = createVggSmall(MODEL);
    await trainVggSmall(model, train(), {
      ...BASE,
      schedule: { kind: 'one-cycle', maxLearningRate: 0.01 },
      onEpochEnd: (_e, l) => {
        rates.push(l.learningRate);
      },
    });
    model.dispose();
    expect(rates).toEqual([lr(4, 10), lr(9, 10)]);
    // SGD with Nesterov momentum learns too
    const sgd = await run({ optimizer: 'sgd-nesterov', learningRate: 0.05, epochs: 3 });
    expect(sgd.r.history.loss[2]!).toBeLessThan(sgd.r.history.loss[0]!);
    expect(sgd.weights).not.toEqual(plain.weights);
  });

  it('weight averaging: decay 0 is the last weights exactly; otherwise the average is the final model', async () => {
    const plain = await run({});
    const zero = await run({ weightAveraging: { decay: 0, warmup: false } });
    expect(zero.weights).toEqual(plain.weights);
    expect(zero.r.history).toEqual(plain.r.history);
    const ema = await run({ weightAveraging: { decay: 0.9, warmup: false } });
    expect(ema.r.history.loss).toEqual(plain.r.history.loss); // training itself is unchanged
    expect(ema.r.history.valLoss).not.toEqual(plain.r.history.valLoss); // the average is validated
    expect(ema.weights).not.toEqual(plain.weights);
  });

  it('the accurate preset: under a quarter of the reference parameters, and its recipe trains', async () => {
    const big = createVggSmall(PRESETS.accurate.model);
    expect(big.countParams()).toBe(1_092_826);
    expect(big.countParams()).toBeLessThan(5_897_162 / 4);
    big.dispose();
    const model = createVggSmall(MODEL);
    const r = await trainVggSmall(model, train(), {
      ...PRESETS.accurate.training,
      epochs: 2,
      batchSize: 50,
    });
    expect(r.history.loss).toHaveLength(2);
    expect(r.history.loss.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('rejects bad recipe options with typed errors', async () => {
    const model = createVggSmall(MODEL);
    for (const bad of [
      { optimizer: 'rmsprop' },
      { momentum: 1 },
      { labelSmoothing: 1 },
      { weightDecay: -1 },
      { weightDecay: { rate: 1e-4, mode: 'l2' } },
      { schedule: { kind: 'step' } },
      { schedule: { kind: 'one-cycle' }, learningRateDecay: 0.9 },
      { weightAveraging: { decay: 1 } },
    ]) {
      const e = await trainVggSmall(model, train(), bad as TrainOptions).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidConfigError);
    }
    model.dispose();
  });

  it.each([1, 2])(
    'with every option (workers: %i): no leaks, and a resumed run matches the uninterrupted one bit for bit',
    async (workers) => {
      // (Two workers: three runs that each start two worker threads, ~20 s on 2 cores.)
      const options: TrainOptions = { ...BASE, ...RECIPE, epochs: workers === 1 ? 3 : 2, workers };
      const steps = options.epochs! * 5;
      const tensors = tf.memory().numTensors;
      const ids = backendDataIds();
      const full = createVggSmall(MODEL);
      const a = await trainVggSmall(full, train(), {
        ...options,
        checkpointDir: join(setup.root, `full${workers}`),
      });
      expect(a.history.loss.at(-1)!).toBeLessThan(a.history.loss[0]!);
      const ckpt = await readLatestCheckpoint(join(setup.root, `full${workers}`));
      expect(ckpt?.optimizer.average?.updates).toBe(steps);
      tf.dispose([...Object.values(ckpt!.modelWeights)]);

      const dir = join(setup.root, `cut${workers}`);
      const first = createVggSmall(MODEL);
      await trainAborted(first, train(), { ...options, checkpointDir: dir }, { epoch: 0 });
      first.dispose();
      const resumed = createVggSmall(MODEL);
      const b = await trainVggSmall(resumed, train(), { ...options, checkpointDir: dir });
      expect(b.resumedFromEpoch).toBe(1);
      expect(b.history).toEqual(a.history);
      expect(weightsOf(resumed)).toEqual(weightsOf(full));
      full.dispose();
      resumed.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backendDataIds()).toBe(ids);
    },
  );
});
