// Setup shared by the training tests (train.test.ts, train/recipe-options.test.ts,
// parallel/trainer.test.ts); not part of the package's API. Vitest hooks: import it from test files
// only (child processes import ./index.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FashionMnist, loadFashionMnist } from '@fmnist/data';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect } from 'vitest';
import { AbortedError } from '../errors.js';
import type { LabelledImages } from '../evaluate.js';
import type { TrainOptions } from '../train/options.js';
import { trainVggSmall } from '../train.js';
import { registerWasmTrainingKernels } from '../wasm-kernels.js';

/** What {@link useWasmTraining} prepared; read it inside tests (it is set in `beforeAll`). */
export interface TrainingSetup {
  /** The real Fashion-MNIST data. */
  readonly data: FashionMnist;
  /** A fresh temporary directory, removed after the file's tests. */
  readonly root: string;
}

/**
 * For the calling test file: the wasm backend with the training kernels registered (unregistered
 * afterwards), the real Fashion-MNIST data and, with `tmpPrefix`, a temporary directory.
 */
export function useWasmTraining(tmpPrefix?: string): TrainingSetup {
  let data: FashionMnist | undefined;
  let root: string | undefined;
  let unregister: (() => void) | undefined;
  beforeAll(async () => {
    unregister = registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    data = await loadFashionMnist();
    if (tmpPrefix !== undefined) root = await mkdtemp(join(tmpdir(), tmpPrefix));
  });
  afterAll(async () => {
    unregister?.();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  return {
    get data() {
      if (!data) throw new Error('useWasmTraining: read `data` inside a test, after beforeAll');
      return data;
    },
    get root() {
      if (root === undefined) throw new Error('useWasmTraining: pass a tmpPrefix to get `root`');
      return root;
    },
  };
}

/**
 * Trains with `options` and aborts through `signal` once epoch `at.epoch` has ended (as if the
 * process had been killed there) or once batch `at.batch` (0-based, within its epoch) has ended;
 * expects the rejection to be an {@link AbortedError} and returns it.
 */
export async function trainAborted(
  model: LayersModel,
  data: LabelledImages,
  options: TrainOptions,
  at: { epoch: number } | { batch: number },
): Promise<AbortedError> {
  const controller = new AbortController();
  const stopAt = (n: number, target: number) => {
    if (n === target) controller.abort();
  };
  const err = await trainVggSmall(model, data, {
    ...options,
    signal: controller.signal,
    ...('epoch' in at
      ? { onEpochEnd: (epoch: number) => stopAt(epoch, at.epoch) }
      : { onBatchEnd: (batch: number) => stopAt(batch, at.batch) }),
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortedError);
  return err as AbortedError;
}

/** `n` images of `split` from index `from`, as trainVggSmall takes them (no copy). */
export function subset(split: FashionMnist['train'], n: number, from = 0) {
  return {
    images: split.images.subarray(from * 784, (from + n) * 784),
    labels: split.labels.subarray(from, from + n),
    count: n,
  };
}
