import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import * as primitives from './primitives.js';
import { createRng } from './rng.js';

describe('@fmnist/augment/primitives', () => {
  it('holds the building blocks, which the main entry no longer exports', () => {
    const names = [
      'affineMatrix',
      'applyAffine',
      'warpAffine',
      'randomAffineParams',
      'drawErasingBox',
      'fmix32',
    ];
    expect(Object.keys(primitives).sort()).toEqual([...names].sort());
    for (const name of names) expect(main).not.toHaveProperty(name);
  });

  it('draws and warps as the augmenter does', () => {
    const options = { rotationRange: 20, zoomRange: 0.2, horizontalFlip: true };
    const augmenter = main.createAugmenter(options);
    const a = augmenter.randomParams(createRng(3), 28, 28);
    const b = primitives.randomAffineParams(options, createRng(3), 28, 28);
    expect(b).toEqual(a);
    // augment = draw the parameters, then apply them (default fill: nearest).
    const image = new Float32Array(784).map((_, i) => i % 251);
    expect(augmenter.augment(image, [28, 28, 1], createRng(3))).toEqual(
      primitives.applyAffine(image, [28, 28, 1], b),
    );
  });
});
