import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Split, scaleSplit } from './index.js';
import { tensorBatches, toTensors } from './tfjs.js';

const split: Split = {
  images: Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256),
  labels: Uint8Array.of(2, 0, 9),
  count: 3,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('toTensors (cpu backend)', () => {
  it('image layout, normalized, one-hot: shapes, dtypes, values; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const { xs, ys } = toTensors(split);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(xs.shape).toEqual([3, 28, 28, 1]);
    expect(xs.dtype).toBe('float32');
    expect(ys.shape).toEqual([3, 10]);
    expect(ys.dtype).toBe('float32');
    const x = xs.dataSync();
    expect(x[255]).toBe(1);
    expect(x[1]).toBe(Math.fround(1 / 255));
    expect(x[784]).toBe(Math.fround((784 % 256) / 255));
    expect(Array.from(ys.dataSync().subarray(0, 10))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const argMax = tf.argMax(ys, 1);
    expect(Array.from(argMax.dataSync())).toEqual([2, 0, 9]);
    tf.dispose([xs, ys, argMax]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('flat layout, raw pixels, int labels', () => {
    const before = tf.memory().numTensors;
    const { xs, ys } = toTensors(split, { shape: 'flat', normalize: false, labels: 'int' });
    expect(xs.shape).toEqual([3, 784]);
    expect(xs.dataSync()[255]).toBe(255);
    expect(ys.dtype).toBe('int32');
    expect(Array.from(ys.dataSync())).toEqual([2, 0, 9]);
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('float32 images are taken as they are, copied (later changes do not reach the tensor)', () => {
    const f = scaleSplit(split);
    const { xs, ys } = toTensors(f);
    f.images[0] = 42;
    expect(xs.dataSync()[0]).toBe(0);
    expect(xs.dataSync()[255]).toBe(1);
    tf.dispose([xs, ys]);
  });
  it('bad input throws a typed error and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const bad = { ...split, labels: Uint8Array.of(2, 0, 10) };
    expect(() => toTensors(bad)).toThrow(InvalidArgumentError);
    expect(() =>
      toTensors({ images: new Uint8Array(3 * 100), labels: split.labels, count: 3 }),
    ).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBe(before);
    // 100 pixels per item is fine when flat.
    const small = { images: new Uint8Array(300), labels: split.labels, count: 3 };
    const t = toTensors(small, { shape: 'flat' });
    expect(t.xs.shape).toEqual([3, 100]);
    tf.dispose([t.xs, t.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('tensorBatches yields batches the caller disposes, covering the split', () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for (const { xs, ys } of tensorBatches(split, 2, { labels: 'int' })) {
      expect(xs.shape.slice(1)).toEqual([28, 28, 1]);
      seen.push(...ys.dataSync());
      tf.dispose([xs, ys]);
    }
    expect(seen).toEqual([2, 0, 9]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
