import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../errors.js';
import { predictProbabilities } from '../evaluate.js';
import { createVggSmall } from '../model.js';
import { testRng } from '../test-helpers/index.js';
import { evaluateFlipAveraged, predictFlipAveraged } from './flip-average.js';

const N = 7;
const SIZE = 28 * 28;
let model: ReturnType<typeof createVggSmall>;
let images: Uint8Array;

/** Each 28×28 image mirrored left to right, in plain JS (the reference). */
function mirror(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length / SIZE; i++) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) out[i * SIZE + r * 28 + c] = src[i * SIZE + r * 28 + (27 - c)]!;
    }
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = createVggSmall({ blockFilters: [4], convsPerBlock: 1, denseUnits: [8], seed: 11 });
  const r = testRng(5);
  images = Uint8Array.from({ length: N * SIZE }, () => r.int(0, 255));
});
afterAll(() => model.dispose());

describe('predictFlipAveraged', () => {
  it('is the mean of the probabilities of each image and of its mirror, in any batch size', async () => {
    const before = tf.memory().numTensors;
    const plain = await predictProbabilities(model, images);
    const mirrored = await predictProbabilities(model, mirror(images));
    const want = plain.map((p, i) => (p + mirrored[i]!) / 2);
    for (const batchSize of [3, 500]) {
      const got = await predictFlipAveraged(model, images, { batchSize });
      expect(got).toHaveLength(N * 10);
      got.forEach((v, i) => {
        expect(Math.abs(v - want[i]!)).toBeLessThan(1e-6);
      });
    }
    // the averaged rows differ from the plain ones (the mirror is not a no-op)
    expect(Math.max(...plain.map((p, i) => Math.abs(p - want[i]!)))).toBeGreaterThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves a left-right symmetric image as it is', async () => {
    const sym = images.slice(0, 2 * SIZE);
    for (let i = 0; i < 2; i++) {
      for (let r = 0; r < 28; r++) {
        for (let c = 14; c < 28; c++) sym[i * SIZE + r * 28 + c] = sym[i * SIZE + r * 28 + 27 - c]!;
      }
    }
    const plain = await predictProbabilities(model, sym);
    const got = await predictFlipAveraged(model, sym);
    got.forEach((v, i) => {
      expect(Math.abs(v - plain[i]!)).toBeLessThan(1e-6);
    });
  });

  it('rejects a bad batch size with InvalidDataError', async () => {
    const error = await predictFlipAveraged(model, images, { batchSize: 0 }).catch((e) => e);
    expect(InvalidDataError.isInstance(error)).toBe(true);
    expect((error as InvalidDataError).code).toBe('INVALID_DATA');
    expect((error as Error).message).toMatch(/positive integer/);
  });
});

describe('evaluateFlipAveraged', () => {
  it('scores the flip-averaged probabilities: arg-max predictions, accuracy and clipped loss', async () => {
    const before = tf.memory().numTensors;
    const probs = await predictFlipAveraged(model, images);
    const labels = Uint8Array.from({ length: N }, (_, i) => (i * 3) % 10);
    const result = await evaluateFlipAveraged(model, { images, labels, count: N });
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < N; i++) {
      const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
      const best = row.indexOf(Math.max(...row));
      expect(result.predictions[i]).toBe(best);
      if (best === labels[i]) correct++;
      loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, row[labels[i]!]!)));
    }
    expect(result.count).toBe(N);
    expect(result.accuracy).toBe(correct / N);
    expect(result.loss).toBeCloseTo(loss / N, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects labels that do not match the images with InvalidDataError naming the fix', async () => {
    const error = await evaluateFlipAveraged(model, {
      images,
      labels: new Uint8Array(N - 1),
      count: N,
    }).catch((e) => e);
    expect(InvalidDataError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/give one label per image/);
  });
});
