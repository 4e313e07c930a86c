import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from './errors.js';
import { evaluateModel, predictClasses, predictProbabilities } from './evaluate.js';
import { createVggSmall } from './model.js';
import { PRESETS } from './presets.js';
import { testRng } from './test-helpers/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluateModel / predict', () => {
  const n = 37;
  const pixels = Uint8Array.from(testRng(2).floats(n * 784), (v) => Math.floor(Math.abs(v) * 255));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);

  it('matches model.predict, for any batch size, uint8 or float input, without leaks', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    const before = tf.memory().numTensors;
    const reference = tf.tidy(() =>
      Array.from(
        (
          model.predict(tf.div(tf.tensor4d(pixels, [n, 28, 28, 1], 'float32'), 255)) as tf.Tensor
        ).dataSync(),
      ),
    );
    const probs = await predictProbabilities(model, pixels, { batchSize: 8 });
    expect(probs).toHaveLength(n * 10);
    probs.forEach((p, i) => {
      expect(p).toBeCloseTo(reference[i]!, 5);
    });
    const floats = Float32Array.from(pixels, (v) => v / 255);
    const a = await evaluateModel(model, { images: pixels, labels, count: n }, { batchSize: 5 });
    const b = await evaluateModel(model, { images: floats, labels, count: n }, { batchSize: 100 });
    expect(Array.from(b.predictions)).toEqual(Array.from(a.predictions));
    expect(b.accuracy).toBe(a.accuracy);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    // accuracy and loss by hand
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = reference.slice(i * 10, i * 10 + 10);
      const arg = row.indexOf(Math.max(...row));
      expect(a.predictions[i]).toBe(arg);
      if (arg === labels[i]) correct++;
      loss -= Math.log(row[labels[i]!]!);
    }
    expect(a.accuracy).toBeCloseTo(correct / n, 10);
    expect(a.loss).toBeCloseTo(loss / n, 4);
    expect(Array.from(await predictClasses(model, { images: pixels }))).toEqual(
      Array.from(a.predictions),
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects images of the wrong size and labels out of range', async () => {
    const model = createVggSmall(PRESETS.tiny.model);
    await expect(predictProbabilities(model, new Uint8Array(700))).rejects.toThrow(
      InvalidDataError,
    );
    await expect(
      evaluateModel(model, { images: pixels, labels: labels.map(() => 10), count: n }),
    ).rejects.toThrow(InvalidDataError);
    await expect(evaluateModel(model, { images: pixels, labels, count: n + 1 })).rejects.toThrow(
      InvalidDataError,
    );
    model.dispose();
  });
});
