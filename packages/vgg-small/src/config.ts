import { InvalidConfigError } from './errors.js';

/** Kernel initialisers the builder accepts (Keras names in camelCase, as tfjs-layers spells them). */
export type KernelInitializerName = 'heNormal' | 'heUniform' | 'glorotNormal' | 'glorotUniform';

/**
 * Architecture of the VGG-style network:
 * `blocks × [ (conv k×k same → batch norm → relu) × convsPerBlock → max-pool → dropout ]`
 * → flatten → `(dense → batch norm → relu → dropout)` per entry of `denseUnits` → dense `classes` → softmax.
 */
export interface VggSmallConfig {
  /** `[height, width, channels]` of one image. Default `[28, 28, 1]`. */
  inputShape: [number, number, number];
  /** Number of output classes. Default 10. */
  classes: number;
  /** Filters of each conv block; its length is the number of blocks. Default `[64, 128, 256]`. */
  blockFilters: number[];
  /** Conv layers per block. Default 2. */
  convsPerBlock: number;
  /** Side of the square conv kernels. Default 3. */
  kernelSize: number;
  /** Side (and stride) of the max-pool at the end of each block. Default 2. */
  poolSize: number;
  /** Batch normalisation after each conv and hidden dense layer. Default true. */
  batchNorm: boolean;
  /** Momentum of the batch-norm moving averages (Keras default). Default 0.99. */
  batchNormMomentum: number;
  /** Batch-norm epsilon (Keras default). Default 0.001. */
  batchNormEpsilon: number;
  /** Dropout rate after each block (0 = none). Default 0.25. */
  blockDropout: number;
  /** Units of the hidden dense layers, in order. Default `[2048]`. */
  denseUnits: number[];
  /** Dropout rate after each hidden dense layer (0 = none). Default 0.5. */
  denseDropout: number;
  /** Initialiser of every conv and dense kernel (biases start at zero). Default `'heNormal'`. */
  kernelInitializer: KernelInitializerName;
  /** Seed of the kernel initialisers: same seed, same initial weights. Default 42. */
  seed: number;
}

/** The reference experiment's network: 5,897,162 parameters (5,891,274 trainable). */
export const DEFAULT_CONFIG: Readonly<VggSmallConfig> = Object.freeze({
  inputShape: [28, 28, 1],
  classes: 10,
  blockFilters: [64, 128, 256],
  convsPerBlock: 2,
  kernelSize: 3,
  poolSize: 2,
  batchNorm: true,
  batchNormMomentum: 0.99,
  batchNormEpsilon: 1e-3,
  blockDropout: 0.25,
  denseUnits: [2048],
  denseDropout: 0.5,
  kernelInitializer: 'heNormal',
  seed: 42,
}) as Readonly<VggSmallConfig>;

const INITIALIZERS: readonly KernelInitializerName[] = [
  'heNormal',
  'heUniform',
  'glorotNormal',
  'glorotUniform',
];

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidConfigError({ option: name, expected: 'a positive integer', value: v });
  }
  return v;
}

function rate(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new InvalidConfigError({ option: name, expected: 'a number in [0, 1)', value: v });
  }
  return v;
}

/**
 * Fills a partial configuration from {@link DEFAULT_CONFIG} and checks it.
 * @throws InvalidConfigError when a value is out of range or the image is too small for the blocks.
 */
export function resolveConfig(partial: Partial<VggSmallConfig> = {}): VggSmallConfig {
  const c: VggSmallConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
    inputShape: [...(partial.inputShape ?? DEFAULT_CONFIG.inputShape)] as [number, number, number],
    blockFilters: [...(partial.blockFilters ?? DEFAULT_CONFIG.blockFilters)],
    denseUnits: [...(partial.denseUnits ?? DEFAULT_CONFIG.denseUnits)],
  };
  if (c.inputShape.length !== 3) {
    throw new InvalidConfigError({
      option: 'inputShape',
      expected: '[height, width, channels]',
      value: c.inputShape,
    });
  }
  c.inputShape.forEach((v, i) => {
    positiveInt(`inputShape[${i}]`, v);
  });
  positiveInt('classes', c.classes);
  if (c.classes < 2)
    throw new InvalidConfigError({ option: 'classes', expected: 'at least 2', value: c.classes });
  if (c.blockFilters.length === 0) {
    throw new InvalidConfigError({
      option: 'blockFilters',
      expected: 'a list of at least one block, e.g. [16, 32, 64]',
      value: c.blockFilters,
    });
  }
  c.blockFilters.forEach((v, i) => {
    positiveInt(`blockFilters[${i}]`, v);
  });
  c.denseUnits.forEach((v, i) => {
    positiveInt(`denseUnits[${i}]`, v);
  });
  positiveInt('convsPerBlock', c.convsPerBlock);
  positiveInt('kernelSize', c.kernelSize);
  positiveInt('poolSize', c.poolSize);
  rate('blockDropout', c.blockDropout);
  rate('denseDropout', c.denseDropout);
  rate('batchNormMomentum', c.batchNormMomentum);
  if (!(c.batchNormEpsilon > 0))
    throw new InvalidConfigError({
      option: 'batchNormEpsilon',
      expected: '> 0',
      value: c.batchNormEpsilon,
    });
  if (!INITIALIZERS.includes(c.kernelInitializer)) {
    throw new InvalidConfigError({
      option: 'kernelInitializer',
      expected: `one of ${INITIALIZERS.join(', ')}`,
      value: c.kernelInitializer,
    });
  }
  if (!Number.isInteger(c.seed))
    throw new InvalidConfigError({ option: 'seed', expected: 'an integer', value: c.seed });
  const side = Math.min(c.inputShape[0], c.inputShape[1]);
  const minSide = c.poolSize ** c.blockFilters.length;
  if (side < minSide) {
    throw new InvalidConfigError({
      option: 'blockFilters',
      expected:
        `at most ${Math.floor(Math.log(side) / Math.log(c.poolSize))} blocks for ${c.inputShape[0]}×${c.inputShape[1]} images ` +
        `(${c.blockFilters.length} blocks with ${c.poolSize}×${c.poolSize} pooling need images of at least ${minSide}×${minSide}): use fewer blocks`,
    });
  }
  return c;
}
