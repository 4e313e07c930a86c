import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAugmenter } from './augmenter.js';
import { createRandomEraser } from './erasing.js';
import { InvalidShapeError } from './errors.js';
import { createRng } from './rng.js';
import { augmentTensor, augmentTensorSync, flowTensors } from './tfjs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const aug = createAugmenter({
  rotationRange: 10,
  zoomRange: 0.1,
  preprocessingFunction: createRandomEraser({ p: 1, vh: 1 }),
});

describe('tfjs adapter', () => {
  it('augments a 4-D batch into a new tensor, equal to the core result, without leaks', async () => {
    const data = new Float32Array(3 * 28 * 28).map((_, i) => (i % 97) / 97);
    const x = tf.tensor4d(data, [3, 28, 28, 1]);
    const before = tf.memory().numTensors;
    const y = await augmentTensor(aug, x, createRng(4));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([3, 28, 28, 1]);
    expect(y.dtype).toBe('float32');
    expect(await y.data()).toEqual(aug.augmentBatch(data, [3, 28, 28, 1], createRng(4)));
    const z = augmentTensorSync(aug, x, createRng(4));
    expect(z.dataSync()).toEqual(y.dataSync());
    y.dispose();
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('accepts int32 tensors and rejects tensors that are not 4-D', async () => {
    const x = tf.tensor4d(new Int32Array(2 * 4 * 4).fill(5), [2, 4, 4, 1], 'int32');
    const y = await augmentTensor({}, x, createRng(1));
    expect(Array.from(await y.data())).toEqual(Array(32).fill(5));
    const flat = tf.zeros([4, 4]);
    await expect(augmentTensor(aug, flat, createRng(1))).rejects.toThrow(InvalidShapeError);
    tf.dispose([x, y, flat]);
  });

  it('flowTensors yields xs/ys tensors the caller owns; nothing else stays allocated', async () => {
    const n = 10;
    const images = new Float32Array(n * 784).map((_, i) => i % 255);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const before = tf.memory().numTensors;
    let count = 0;
    for await (const { xs, ys } of flowTensors(images, labels, [n, 28, 28, 1], {
      batchSize: 4,
      augment: aug,
    })) {
      expect(xs.shape.slice(1)).toEqual([28, 28, 1]);
      expect(ys.dtype).toBe('int32');
      expect(ys.shape).toEqual([xs.shape[0]]);
      count += xs.shape[0];
      tf.dispose([xs, ys]);
    }
    expect(count).toBe(n);
    expect(tf.memory().numTensors).toBe(before);
    const oneHot = new Float32Array(n * 10);
    for await (const { xs, ys } of flowTensors(images, oneHot, [n, 28, 28, 1], { batchSize: 5 })) {
      expect(ys.shape).toEqual([5, 10]);
      expect(ys.dtype).toBe('float32');
      tf.dispose([xs, ys]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
