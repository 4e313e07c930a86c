import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from './config.js';
import { InvalidConfigError } from './errors.js';
import { countParams, createVggSmall } from './model.js';
import { PRESETS } from './presets.js';
import './test-helpers/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('createVggSmall', () => {
  it('builds the seed network: 5,897,162 parameters, 5,891,274 trainable', () => {
    const before = tf.memory().numTensors;
    const model = createVggSmall();
    expect(countParams(model)).toEqual({
      total: 5_897_162,
      trainable: 5_891_274,
      nonTrainable: 5_888,
    });
    expect(model.countParams()).toBe(5_897_162);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("has the seed summary's output shapes", () => {
    const model = createVggSmall();
    const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape]));
    expect(shapes.block1_conv1).toEqual([null, 28, 28, 64]);
    expect(shapes.block1_conv2).toEqual([null, 28, 28, 64]);
    expect(shapes.block1_pool).toEqual([null, 14, 14, 64]);
    expect(shapes.block2_conv1).toEqual([null, 14, 14, 128]);
    expect(shapes.block2_pool).toEqual([null, 7, 7, 128]);
    expect(shapes.block3_conv2).toEqual([null, 7, 7, 256]);
    expect(shapes.block3_pool).toEqual([null, 3, 3, 256]);
    expect(shapes.flatten).toEqual([null, 2304]);
    expect(shapes.dense1).toEqual([null, 2048]);
    expect(shapes.predictions).toEqual([null, 10]);
    // conv → bn → relu ×2 → pool → dropout, per block; then flatten, dense, bn, relu, dropout, dense
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      ...Array.from({ length: 3 }, () => [
        'Conv2D',
        'BatchNormalization',
        'Activation',
        'Conv2D',
        'BatchNormalization',
        'Activation',
        'MaxPooling2D',
        'Dropout',
      ]).flat(),
      'Flatten',
      'Dense',
      'BatchNormalization',
      'Activation',
      'Dropout',
      'Dense',
    ]);
    model.dispose();
  });

  it('takes every number as an option', () => {
    const model = createVggSmall({
      inputShape: [32, 32, 3],
      classes: 5,
      blockFilters: [4, 8],
      convsPerBlock: 1,
      kernelSize: 5,
      denseUnits: [16, 8],
      blockDropout: 0,
      denseDropout: 0.3,
      batchNorm: false,
      kernelInitializer: 'glorotUniform',
    });
    const names = model.layers.map((l) => l.name);
    expect(names).toEqual([
      'block1_conv1',
      'block1_relu1',
      'block1_pool',
      'block2_conv1',
      'block2_relu1',
      'block2_pool',
      'flatten',
      'dense1',
      'dense1_relu',
      'dense1_dropout',
      'dense2',
      'dense2_relu',
      'dense2_dropout',
      'predictions',
    ]);
    expect(model.layers[0]!.outputShape).toEqual([null, 32, 32, 4]);
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    // 5·5·3·4+4 + 5·5·4·8+8 + (8·8·8)·16+16 + 16·8+8 + 8·5+5
    expect(model.countParams()).toBe(304 + 808 + 8208 + 136 + 45);
    model.dispose();
  });

  it('is seeded: same seed, same weights; another seed, other weights', () => {
    const a = createVggSmall(PRESETS.tiny.model);
    const b = createVggSmall(PRESETS.tiny.model);
    const c = createVggSmall({ ...PRESETS.tiny.model, seed: 7 });
    const w = (m: typeof a) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)[0]).not.toEqual(w(c)[0]);
    [a, b, c].forEach((m) => {
      m.dispose();
    });
  });

  it('rejects bad configurations with InvalidConfigError', () => {
    for (const bad of [
      { blockFilters: [] },
      { blockFilters: [16, 0] },
      { blockDropout: 1 },
      { denseDropout: -0.1 },
      { classes: 1 },
      { inputShape: [28, 28] as unknown as [number, number, number] },
      { blockFilters: [8, 8, 8, 8, 8] }, // 28 → 14 → 7 → 3 → 1 → 0
      { kernelInitializer: 'zeros' as never },
    ]) {
      expect(() => resolveConfig(bad)).toThrow(InvalidConfigError);
    }
    expect(resolveConfig({})).toEqual({ ...DEFAULT_CONFIG });
  });
});
