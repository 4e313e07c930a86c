/**
 * Every part of the pipeline on TensorFlow.js's webgpu backend (Dawn from npm `webgpu`, on
 * SwiftShader, Chromium's CPU Vulkan driver, here), against the cpu backend: KNN's `tfjs` engine,
 * a vgg-small training step, inference, evaluation, save/load. Small shapes: SwiftShader is slow.
 * Skipped, saying why, where SwiftShader or the Vulkan loader is missing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackendSelection, selectBackend } from '@fmnist/bench';
import { SWIFTSHADER_ICDS } from '@fmnist/bench/webgpu';
import { loadFashionMnist, type Split } from '@fmnist/data';
import { KNeighborsClassifier } from '@fmnist/knn';
import {
  createVggSmall,
  evaluateModel,
  loadModel,
  predictProbabilities,
  saveModel,
  trainVggSmall,
  type VggSmallConfig,
} from '@fmnist/vgg-small';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LOADER_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64'];
const swiftShader = SWIFTSHADER_ICDS.find((p) => existsSync(p));
const loader = LOADER_DIRS.some((d) => existsSync(join(d, 'libvulkan.so.1')));
const skip =
  process.platform !== 'linux'
    ? 'SwiftShader tests run on Linux only'
    : !swiftShader
      ? "no SwiftShader Vulkan driver (install Debian's chromium)"
      : !loader
        ? 'no Vulkan loader libvulkan.so.1 (apt-get install libvulkan1; scripts/setup.sh does)'
        : undefined;
if (skip) console.warn(`examples/src/webgpu.test.ts skipped: ${skip}`);

/** A small network of the same layer kinds as the real one (conv, batch norm, pooling, dense). */
const SMALL: Partial<VggSmallConfig> = {
  blockFilters: [8, 16],
  convsPerBlock: 1,
  denseUnits: [32],
  blockDropout: 0,
  denseDropout: 0,
  seed: 7,
};

function slice(split: Split, start: number, n: number): Split {
  return {
    ...split,
    images: split.images.subarray(start * 784, (start + n) * 784),
    labels: split.labels.subarray(start, start + n),
    count: n,
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Runs `fn` on `backend` and checks that it leaves no tensor behind. */
async function on<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors, `tensors left on ${backend}`).toBe(before);
  return out;
}

async function weightsOf(model: ReturnType<typeof createVggSmall>): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describe.skipIf(!!skip)('webgpu backend (SwiftShader) against cpu', () => {
  let selection: BackendSelection;
  let train: Split;
  let test: Split;
  const timings: string[] = [];
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    timings.push(`${what}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    return out;
  };

  beforeAll(async () => {
    selection = await selectBackend({ tf, prefer: 'webgpu' });
    const data = await loadFashionMnist();
    train = slice(data.train, 0, 1000);
    test = slice(data.test, 0, 32);
  });

  afterAll(async () => {
    console.log(`webgpu on SwiftShader: ${timings.join('; ')}`);
    await tf.setBackend('cpu');
  });

  it('runs on the software adapter, and says so', () => {
    expect(selection.name).toBe('webgpu');
    expect(selection.adapter).toMatchObject({
      vendor: 'google',
      architecture: 'swiftshader',
      kind: 'software',
    });
  });

  it("KNN's tfjs engine on webgpu finds exactly the neighbours of the exact CPU engine", async () => {
    const fitted = (engine: 'tfjs' | 'js') =>
      new KNeighborsClassifier({ k: 5, engine }).fit(
        { data: train.images, shape: [train.count, 784] },
        train.labels,
      );
    const queries = { data: test.images, shape: [test.count, 784] as const };
    const exact = fitted('js');
    const expected = await exact.kneighbors(queries);
    const expectedPred = await exact.predict(queries);
    const gpu = fitted('tfjs');
    const [got, pred] = await on('webgpu', () =>
      timed('KNN 32 queries × 1,000 rows', async () => {
        const n = await gpu.kneighbors(queries);
        const p = await gpu.predict(queries);
        gpu.dispose();
        return [n, p] as const;
      }),
    );
    expect(gpu.engineInfo).toMatchObject({ engine: 'tfjs', backend: 'webgpu' });
    expect(Array.from(got.indices)).toEqual(Array.from(expected.indices));
    expect(maxAbsDiff(got.distances, expected.distances)).toBeLessThan(1e-6);
    expect(Array.from(pred)).toEqual(Array.from(expectedPred));
  });

  it('a training step, inference, evaluation and save/load agree with the cpu backend', async () => {
    // One Adam step on one batch of 32; every forward pass after it has the same batch shape, so
    // SwiftShader compiles each shader once.
    const data = slice(train, 0, 32);
    const learningRate = 1e-3;
    const dir = await mkdtemp(join(tmpdir(), 'fmnist-webgpu-'));
    const step = async (backend: string) =>
      on(backend, async () => {
        const model = createVggSmall(SMALL);
        const { history } = await timed(`training step (32 images) on ${backend}`, () =>
          trainVggSmall(model, data, {
            epochs: 1,
            batchSize: 32,
            learningRate,
            validationSplit: 0,
            augment: false,
            seed: 3,
          }),
        );
        const weights = await weightsOf(model);
        const probs = await predictProbabilities(model, test.images, { batchSize: 32 });
        const evaluation = await timed(`evaluation (32 images) on ${backend}`, () =>
          evaluateModel(model, test, { batchSize: 32 }),
        );
        // Saved and loaded on this backend: the same weights, the same probabilities.
        const saved = join(dir, backend);
        await saveModel(model, saved);
        model.dispose();
        const loaded = await loadModel(saved);
        expect(await weightsOf(loaded)).toEqual(weights);
        const again = await predictProbabilities(loaded, test.images, { batchSize: 32 });
        expect(maxAbsDiff(again, probs)).toBeLessThan(1e-6);
        loaded.dispose();
        return { history, weights, probs, evaluation };
      });
    try {
      const cpu = await step('cpu');
      const gpu = await step('webgpu');
      expect(Number.isFinite(gpu.history.loss[0])).toBe(true);
      expect(Math.abs(gpu.history.loss[0]! - cpu.history.loss[0]!)).toBeLessThan(1e-3);
      // Adam's first step moves each weight by about ±learningRate whatever the gradient's size, so
      // a gradient that is zero in exact arithmetic (a convolution's bias before batch norm) may
      // move either way on either backend: at most 2 × learningRate apart.
      for (let i = 0; i < cpu.weights.length; i++) {
        expect(maxAbsDiff(gpu.weights[i]!, cpu.weights[i]!), `weight ${i}`).toBeLessThanOrEqual(
          2 * learningRate + 1e-5,
        );
      }
      expect(maxAbsDiff(gpu.probs, cpu.probs)).toBeLessThan(1e-3);
      expect(Math.abs(gpu.evaluation.loss - cpu.evaluation.loss)).toBeLessThan(1e-3);
      expect(Math.abs(gpu.evaluation.accuracy - cpu.evaluation.accuracy)).toBeLessThanOrEqual(
        1 / 32,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
