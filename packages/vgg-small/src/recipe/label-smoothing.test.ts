import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectConfigError, TORCH, useCpuBackend } from '../test-helpers/recipe.js';
import {
  labelSmoothingLoss,
  smoothedCrossEntropy,
  smoothedCrossEntropyPerExample,
  smoothLabels,
} from './label-smoothing.js';

useCpuBackend();

const ref = TORCH.labelSmoothing;
const classes = ref.logits[0]!.length;

describe('label smoothing', () => {
  it('smooths one-hot targets to y·(1 − ε) + ε/K (hand-computed)', () => {
    const y = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 4);
    const s = smoothLabels(y, 0.2);
    expect(Array.from(s.dataSync())).toEqual(
      [0.05, 0.05, 0.85, 0.05, 0.85, 0.05, 0.05, 0.05].map((v) => Math.fround(v)),
    );
    tf.dispose([y, s]);
  });

  it("matches PyTorch's CrossEntropyLoss(label_smoothing=0.1) and tfjs-core's softmaxCrossEntropy", () => {
    const before = tf.memory().numTensors;
    const [perExample, mean, tfjsLoss] = tf.tidy(() => {
      const logits = tf.tensor2d(ref.logits);
      const y = tf.oneHot(tf.tensor1d(ref.labels, 'int32'), classes);
      const p = tf.softmax(logits);
      return [
        smoothedCrossEntropyPerExample(y, p, ref.smoothing),
        smoothedCrossEntropy(y, p, ref.smoothing),
        tf.losses.softmaxCrossEntropy(y, logits, undefined, ref.smoothing),
      ];
    });
    const got = Array.from(perExample!.dataSync());
    got.forEach((v, i) => {
      expect(Math.abs(v - ref.perExample[i]!)).toBeLessThan(1e-5);
    });
    const want = ref.perExample.reduce((a, b) => a + b, 0) / ref.perExample.length;
    expect(Math.abs(mean!.dataSync()[0]! - want)).toBeLessThan(1e-5);
    expect(Math.abs(tfjsLoss!.dataSync()[0]! - want)).toBeLessThan(1e-5);
    tf.dispose([perExample!, mean!, tfjsLoss!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('at smoothing 0 is the clipped cross-entropy −log(clip(p_label)) (hand-computed)', () => {
    const p = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0, 1, 0],
    ]);
    const y = tf.tensor2d([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    const loss = smoothedCrossEntropyPerExample(y, p, 0);
    const got = loss.dataSync();
    expect(got[0]).toBeCloseTo(-Math.log(0.7), 6);
    expect(got[1]).toBeCloseTo(-Math.log(1e-7), 4); // a zero probability is clipped to 1e-7
    tf.dispose([p, y, loss]);
  });

  it('trains a tfjs-layers model as a compiled loss (its gradient moves the loss down)', async () => {
    const round = async () => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.dense({
            inputShape: [4],
            units: 3,
            activation: 'softmax',
            kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
          }),
        ],
      });
      const optimizer = tf.train.sgd(0.5);
      model.compile({ optimizer, loss: labelSmoothingLoss(0.1) });
      const xs = tf.tensor2d([
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 1],
      ]);
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3));
      const h = await model.fit(xs, ys, { epochs: 5, batchSize: 3, shuffle: false, verbose: 0 });
      const losses = h.history.loss as number[];
      expect(losses[4]!).toBeLessThan(losses[0]!);
      // the fitted loss is the mean of the per-example smoothed loss
      const want = tf.tidy(() => smoothedCrossEntropy(ys, model.predict(xs) as tf.Tensor, 0.1));
      const evaluated = model.evaluate(xs, ys) as tf.Scalar;
      expect(evaluated.dataSync()[0]).toBeCloseTo(want.dataSync()[0]!, 6);
      tf.dispose([xs, ys, want, evaluated]);
      model.dispose();
      optimizer.dispose();
    };
    await round(); // tfjs-layers keeps one tensor of its own from the first fit
    const before = tf.memory().numTensors;
    await round();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects smoothing outside [0, 1) with InvalidConfigError naming the fix', () => {
    expectConfigError(
      () => labelSmoothingLoss(1),
      'labelSmoothing',
      /^labelSmoothing must be in \[0, 1\), got 1\.$/,
    );
    const y = tf.zeros([1, 2]);
    expectConfigError(() => smoothLabels(y, -0.1), 'labelSmoothing', /in \[0, 1\)/);
    y.dispose();
  });
});
