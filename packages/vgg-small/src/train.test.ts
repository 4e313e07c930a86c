import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { readLatestCheckpoint } from './checkpoint.js';
import {
  AbortedError,
  CheckpointError,
  InvalidConfigError,
  InvalidDataError,
  TrainingAbortedError,
  WorkerFailedError,
} from './errors.js';
import { evaluateModel } from './evaluate.js';
import { loadModel } from './io.js';
import { createVggSmall } from './model.js';
import { liveWorkerCount } from './parallel/trainer.js';
import { PRESETS } from './presets.js';
import { backendDataIds, KILL_RESUME_OPTIONS, killResumeData } from './test-helpers/index.js';
import { subset, trainAborted, useWasmTraining } from './test-helpers/training.js';
import type { TrainOptions } from './train/options.js';
import { parallelTestHooks } from './train/parallel-stepper.js';
import { trainVggSmall } from './train.js';

const setup = useWasmTraining('vgg-train-');

const weightsOf = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('trainVggSmall on real Fashion-MNIST images (wasm)', () => {
  it('lowers the loss and beats chance clearly, without leaking tensors', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const batches: number[] = [];
    const r = await trainVggSmall(model, subset(setup.data.train, 2000), {
      ...PRESETS.tiny.training,
      epochs: 3,
      onBatchEnd: (b) => {
        batches.push(b);
      },
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
    expect(r.epochs).toBe(3);
    expect(r.history.loss).toHaveLength(3);
    expect(r.history.valAcc).toHaveLength(3);
    expect(r.history.loss[2]!).toBeLessThan(r.history.loss[0]! * 0.8);
    expect(batches.length).toBe(3 * Math.ceil(1800 / 64)); // 10% held out
    const test = await evaluateModel(model, subset(setup.data.test, 1000));
    expect(test.accuracy).toBeGreaterThan(0.5); // chance is 0.1
    model.dispose();
  });

  it('is deterministic, and a run resumed from its checkpoint matches the uninterrupted run', async () => {
    const train = subset(setup.data.train, 600);
    const options: TrainOptions = {
      ...PRESETS.tiny.training,
      epochs: 3,
      batchSize: 50,
      augment: true, // online augmentation: its random stream must replay on resume too
      earlyStopping: { monitor: 'valLoss', patience: 5 },
    };
    // uninterrupted, with checkpoints
    const full = createVggSmall(PRESETS.tiny.model);
    const a = await trainVggSmall(full, train, {
      ...options,
      checkpointDir: join(setup.root, 'full'),
    });

    // interrupted after epoch 1 (0-based 0), as if the process had been killed there
    const ckpt = join(setup.root, 'interrupted');
    const first = createVggSmall(PRESETS.tiny.model);
    const err = await trainAborted(first, train, { ...options, checkpointDir: ckpt }, { epoch: 0 });
    expect(err.epochsCompleted).toBe(1);
    expect(await readdir(ckpt)).toEqual(['epoch-0001']);
    first.dispose();

    // a new process: a fresh model, the same call
    const resumed = createVggSmall(PRESETS.tiny.model);
    const b = await trainVggSmall(resumed, train, { ...options, checkpointDir: ckpt });
    expect(b.resumedFromEpoch).toBe(1);
    expect(b.history).toEqual(a.history);
    expect(weightsOf(resumed)).toEqual(weightsOf(full));

    // the latest checkpoint is a loadable model
    const fromCkpt = await loadModel(join(ckpt, 'epoch-0003'));
    expect(weightsOf(fromCkpt)).toEqual(weightsOf(full));

    // same seed, no checkpoints: the same numbers again
    const again = createVggSmall(PRESETS.tiny.model);
    const c = await trainVggSmall(again, train, options);
    expect(c.history).toEqual(a.history);
    [full, resumed, fromCkpt, again].forEach((m) => {
      m.dispose();
    });
  });

  it.each([1, 2])(
    'resumes after the process is killed (SIGKILL) mid-epoch, as if never interrupted (%i worker(s))',
    async (workers) => {
      const dir = join(setup.root, `killed-${workers}`);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('test-helpers/kill-resume.child.ts', import.meta.url)),
          dir,
          String(workers),
        ],
        // cwd: `--import tsx` resolves from the working directory, which is the repo root under `pnpm test`
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          cwd: fileURLToPath(new URL('..', import.meta.url)),
        },
      );
      // kill it as soon as the first epoch has ended: somewhere in epoch 2 or in writing its checkpoint
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('epoch')) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code) =>
          reject(new Error(`child exited (${code}) before the first epoch ended`)),
        );
      });
      await new Promise((r) => child.on('close', r));
      expect(existsSync(join(dir, 'epoch-0001'))).toBe(true);

      const train = killResumeData(setup.data.train);
      const resumed = createVggSmall(PRESETS.tiny.model);
      const r = await trainVggSmall(resumed, train, {
        ...KILL_RESUME_OPTIONS,
        workers,
        checkpointDir: dir,
      });
      expect(r.resumedFromEpoch).toBeGreaterThanOrEqual(1);
      expect(r.workers).toBe(workers);
      const straight = createVggSmall(PRESETS.tiny.model);
      const s = await trainVggSmall(straight, train, { ...KILL_RESUME_OPTIONS, workers });
      expect(r.history).toEqual(s.history);
      expect(weightsOf(resumed)).toEqual(weightsOf(straight));
      [resumed, straight].forEach((m) => {
        m.dispose();
      });
    },
    240_000,
  );

  it('refuses to resume a checkpoint of another setup, and can start over', async () => {
    const train = subset(setup.data.train, 200);
    const dir = join(setup.root, 'mismatch');
    const m1 = createVggSmall(PRESETS.tiny.model);
    await trainVggSmall(m1, train, { ...PRESETS.tiny.training, epochs: 1, checkpointDir: dir });
    const m2 = createVggSmall(PRESETS.tiny.model);
    const err = await trainVggSmall(m2, train, {
      ...PRESETS.tiny.training,
      epochs: 2,
      seed: 1,
      checkpointDir: dir,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('CHECKPOINT_MISMATCH');
    const r = await trainVggSmall(m2, train, {
      ...PRESETS.tiny.training,
      epochs: 1,
      seed: 1,
      checkpointDir: dir,
      resume: false,
    });
    expect(r.resumedFromEpoch).toBe(0);
    [m1, m2].forEach((m) => {
      m.dispose();
    });
  });

  it('stops early and restores the best weights', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    let afterFirst: number[][] = [];
    const r = await trainVggSmall(model, subset(setup.data.train, 300), {
      ...PRESETS.tiny.training,
      epochs: 5,
      // nothing after the first epoch improves the loss by 10: stop after epoch 2
      earlyStopping: { monitor: 'loss', minDelta: 10, patience: 0 },
      onEpochEnd: (epoch) => {
        if (epoch === 0) afterFirst = weightsOf(model);
      },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs).toBe(2);
    expect(r.bestEpoch).toBe(0);
    expect(weightsOf(model)).toEqual(afterFirst);
    model.dispose();
  });

  it('offline augmentation appends augmented copies; the signal stops mid-epoch', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    let batches = 0;
    const controller = new AbortController();
    const err = await trainVggSmall(model, subset(setup.data.train, 100), {
      batchSize: 10,
      validationSplit: 0,
      augment: { mode: 'offline', copies: 2 },
      signal: controller.signal,
      onBatchEnd: (b, logs) => {
        batches = logs.batches;
        if (b === 3) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(batches).toBe(30); // 100 originals + 200 copies
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).code).toBe('ABORTED');
    expect((err as AbortedError).epochsCompleted).toBe(0);
    expect(TrainingAbortedError).toBe(AbortedError); // the deprecated alias
    model.dispose();
  });

  it('rejects bad data and options with typed errors', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    const train = subset(setup.data.train, 50);
    await expect(
      trainVggSmall(model, { ...train, images: train.images.subarray(0, 49 * 784 + 3) }),
    ).rejects.toThrow(InvalidDataError);
    await expect(
      trainVggSmall(model, { ...train, labels: Uint8Array.from(train.labels, () => 12) }),
    ).rejects.toThrow(InvalidDataError);
    await expect(trainVggSmall(model, train, { batchSize: 0 })).rejects.toThrow(InvalidConfigError);
    await expect(
      trainVggSmall(model, train, { validationSplit: 0, earlyStopping: { monitor: 'valAcc' } }),
    ).rejects.toThrow(InvalidConfigError);
    const err = await trainVggSmall(model, train, { batchSize: 8, workers: 9 }).catch((e) => e);
    expect(InvalidConfigError.isInstance(err)).toBe(true);
    expect((err as InvalidConfigError).option).toBe('workers');
    expect((err as Error).message).toMatch(/at most batchSize \(8\)/);
    model.dispose();
  });

  it('with 2 workers: learns like 1 worker, the signal stops every worker, and a worker dying mid-step leaves the last checkpoint intact', async () => {
    const train = subset(setup.data.train, 600);
    const base: TrainOptions = { ...PRESETS.tiny.training, epochs: 2, batchSize: 50, workers: 2 };
    const tensors = tf.memory().numTensors;
    const model = createVggSmall(PRESETS.tiny.model);
    const r = await trainVggSmall(model, train, base);
    expect(r.workers).toBe(2);
    expect(r.history.loss[1]!).toBeLessThan(r.history.loss[0]!);
    expect(r.history.valAcc[1]!).toBeGreaterThan(0.2); // chance is 0.1 (60 validation images)
    expect(liveWorkerCount()).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors + model.weights.length);

    // abort mid-epoch: rejects, every worker gone
    await trainAborted(createVggSmall(PRESETS.tiny.model), train, base, { batch: 2 });
    expect(liveWorkerCount()).toBe(0);

    // worker 1 dies in the middle of the first step of epoch 2 (11 steps per epoch: 540 images / 50)
    const dir = join(setup.root, 'worker-dies');
    parallelTestHooks.fault = { worker: 1, atStep: 11, kind: 'exit' };
    const failed = await trainVggSmall(createVggSmall(PRESETS.tiny.model), train, {
      ...base,
      checkpointDir: dir,
    })
      .catch((e: unknown) => e)
      .finally(() => {
        parallelTestHooks.fault = undefined;
      });
    expect(failed).toBeInstanceOf(WorkerFailedError);
    expect((failed as WorkerFailedError).worker).toBe(1);
    expect((failed as Error).message).toMatch(/exited with code 70/);
    expect(liveWorkerCount()).toBe(0);
    const ckpt = await readLatestCheckpoint(dir);
    expect(ckpt?.state.epochsCompleted).toBe(1);
    tf.dispose(Object.values(ckpt!.modelWeights));
    model.dispose();
  }, 240_000);
});
