import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { type KernelInitializerName, resolveConfig, type VggSmallConfig } from './config.js';

function kernelInitializer(name: KernelInitializerName, seed: number) {
  switch (name) {
    case 'heNormal':
      return initializers.heNormal({ seed });
    case 'heUniform':
      return initializers.heUniform({ seed });
    case 'glorotNormal':
      return initializers.glorotNormal({ seed });
    case 'glorotUniform':
      return initializers.glorotUniform({ seed });
  }
}

/**
 * Builds the VGG-style CNN (uncompiled `tf.LayersModel`; train it with `trainVggSmall`).
 *
 * With the default configuration this is the reference experiment's network: 5,897,162 parameters
 * (5,891,274 trainable), block outputs 28×28×64 → 14×14×64 → … → 3×3×256, flatten 2304,
 * dense 2048, softmax 10. Layer names are stable (`block1_conv1`, `block1_bn1`, …, `dense1`,
 * `predictions`) and each kernel initialiser is seeded from `config.seed`, so the same
 * configuration always gives the same initial weights.
 *
 * @param config Any subset of {@link VggSmallConfig}; the rest comes from `DEFAULT_CONFIG`.
 * @throws InvalidConfigError when the configuration is out of range.
 * @example
 * ```ts
 * const model = createVggSmall(PRESETS.cpu.model);
 * model.summary();
 * ```
 */
export function createVggSmall(config: Partial<VggSmallConfig> = {}): LayersModel {
  const c = resolveConfig(config);
  const model = sequential({ name: 'vgg_small' });
  let seed = c.seed;
  const init = () => kernelInitializer(c.kernelInitializer, seed++);
  let first = true;
  c.blockFilters.forEach((filters, b) => {
    const block = `block${b + 1}`;
    for (let i = 1; i <= c.convsPerBlock; i++) {
      model.add(
        layers.conv2d({
          ...(first ? { inputShape: c.inputShape } : {}),
          name: `${block}_conv${i}`,
          filters,
          kernelSize: c.kernelSize,
          padding: 'same',
          kernelInitializer: init(),
        }),
      );
      first = false;
      if (c.batchNorm) {
        model.add(
          layers.batchNormalization({
            name: `${block}_bn${i}`,
            momentum: c.batchNormMomentum,
            epsilon: c.batchNormEpsilon,
          }),
        );
      }
      model.add(layers.activation({ name: `${block}_relu${i}`, activation: 'relu' }));
    }
    model.add(layers.maxPooling2d({ name: `${block}_pool`, poolSize: c.poolSize }));
    if (c.blockDropout > 0) {
      model.add(layers.dropout({ name: `${block}_dropout`, rate: c.blockDropout }));
    }
  });
  model.add(layers.flatten({ name: 'flatten' }));
  c.denseUnits.forEach((units, d) => {
    model.add(layers.dense({ name: `dense${d + 1}`, units, kernelInitializer: init() }));
    if (c.batchNorm) {
      model.add(
        layers.batchNormalization({
          name: `dense${d + 1}_bn`,
          momentum: c.batchNormMomentum,
          epsilon: c.batchNormEpsilon,
        }),
      );
    }
    model.add(layers.activation({ name: `dense${d + 1}_relu`, activation: 'relu' }));
    if (c.denseDropout > 0) {
      model.add(layers.dropout({ name: `dense${d + 1}_dropout`, rate: c.denseDropout }));
    }
  });
  model.add(
    layers.dense({
      name: 'predictions',
      units: c.classes,
      activation: 'softmax',
      kernelInitializer: init(),
    }),
  );
  return model;
}

/** Parameter counts of a model: all, trainable, and non-trainable (batch-norm moving statistics). */
export function countParams(model: LayersModel): {
  total: number;
  trainable: number;
  nonTrainable: number;
} {
  const size = (ws: { shape: readonly (number | null)[] }[]) =>
    ws.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
  const trainable = size(model.trainableWeights);
  const nonTrainable = size(model.nonTrainableWeights);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}
