import { describe, expect, it } from 'vitest';
import { applyAffine } from './affine.js';
import { createAugmenter } from './augmenter.js';
import { createRandomEraser } from './erasing.js';
import * as E from './errors.js';
import { randomAffineParams } from './random-affine.js';
import { createRng } from './rng.js';

function image(seed: number, n = 784): Float32Array {
  return new Float32Array(n).map((_, i) => Math.fround(((i * 7919 + seed * 104729) % 256) + 0.25));
}

describe('randomAffineParams (Keras get_random_transform semantics)', () => {
  const draws = (o: Parameters<typeof randomAffineParams>[0], n = 4000, h = 28, w = 20) => {
    const rng = createRng(11);
    return Array.from({ length: n }, () => randomAffineParams(o, rng, h, w));
  };

  it('all-default options draw the identity', () => {
    for (const p of draws({}, 10)) {
      expect(p).toEqual({ theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flipHorizontal: false });
    }
  });

  it('rotation and shear in degrees, uniform in [-r, r]', () => {
    const ps = draws({ rotationRange: 30, shearRange: 10 });
    expect(ps.every((p) => Math.abs(p.theta) <= 30 && Math.abs(p.shear) <= 10)).toBe(true);
    expect(Math.max(...ps.map((p) => p.theta))).toBeGreaterThan(29);
    expect(Math.min(...ps.map((p) => p.theta))).toBeLessThan(-29);
    const mean = ps.reduce((s, p) => s + p.theta, 0) / ps.length;
    expect(Math.abs(mean)).toBeLessThan(1.5);
  });

  it('shift ranges < 1 are fractions of the size (tx: height, ty: width); ≥ 1 are pixels', () => {
    const frac = draws({ heightShiftRange: 0.1, widthShiftRange: 0.2 });
    expect(frac.every((p) => Math.abs(p.tx) <= 2.8 && Math.abs(p.ty) <= 4)).toBe(true);
    expect(Math.max(...frac.map((p) => p.tx))).toBeGreaterThan(2.7);
    expect(Math.max(...frac.map((p) => p.ty))).toBeGreaterThan(3.9);
    const px = draws({ heightShiftRange: 3, widthShiftRange: 1 });
    expect(px.every((p) => Math.abs(p.tx) <= 3 && Math.abs(p.ty) <= 1)).toBe(true);
    expect(Math.max(...px.map((p) => p.tx))).toBeGreaterThan(2.9);
  });

  it('array shift ranges pick a value with a random sign (Keras 1-D array-like)', () => {
    const ps = draws({ widthShiftRange: [0, 1, 2] });
    expect(new Set(ps.map((p) => p.ty))).toEqual(new Set([0, 1, -1, 2, -2]));
    const fr = draws({ widthShiftRange: [0.5] }, 100);
    expect(new Set(fr.map((p) => p.ty))).toEqual(new Set([10, -10])); // 0.5·width
  });

  it('zoomRange z draws zx, zy independently in [1-z, 1+z]; a pair is used as given', () => {
    const ps = draws({ zoomRange: 0.2 });
    expect(ps.every((p) => p.zx >= 0.8 && p.zx < 1.2 && p.zy >= 0.8 && p.zy < 1.2)).toBe(true);
    expect(ps.some((p) => Math.abs(p.zx - p.zy) > 0.2)).toBe(true);
    const pair = draws({ zoomRange: [1.5, 2] });
    expect(pair.every((p) => p.zx >= 1.5 && p.zx < 2 && p.zy >= 1.5 && p.zy < 2)).toBe(true);
  });

  it('horizontalFlip flips about half of the time', () => {
    const ps = draws({ horizontalFlip: true });
    const f = ps.filter((p) => p.flipHorizontal).length / ps.length;
    expect(Math.abs(f - 0.5)).toBeLessThan(0.04);
  });

  it('rejects bad options with typed errors', () => {
    const rng = createRng(1);
    expect(() => randomAffineParams({ rotationRange: -1 }, rng, 28, 28)).toThrow(
      E.InvalidArgumentError,
    );
    expect(() => randomAffineParams({ rotationRange: Number.NaN }, rng, 28, 28)).toThrow(
      E.NonFiniteParameterError,
    );
    expect(() => randomAffineParams({ zoomRange: [2, 1] }, rng, 28, 28)).toThrow(
      E.InvertedRangeError,
    );
    expect(() => randomAffineParams({ widthShiftRange: [] }, rng, 28, 28)).toThrow(
      E.InvalidArgumentError,
    );
    expect(() => randomAffineParams({ fillMode: 'grid-wrap' as 'wrap' }, rng, 28, 28)).toThrow(
      E.InvalidArgumentError,
    );
  });
});

describe('createAugmenter', () => {
  const options = {
    rotationRange: 15,
    widthShiftRange: 0.1,
    heightShiftRange: 0.1,
    shearRange: 5,
    zoomRange: 0.1,
    horizontalFlip: true,
    fillMode: 'constant' as const,
    cval: 3,
  };

  it('applies the transform, then the eraser, in that order, drawing from one generator', () => {
    const eraser = createRandomEraser({ p: 1 });
    const aug = createAugmenter({ ...options, preprocessingFunction: eraser });
    const x = image(1);
    for (let seed = 0; seed < 20; seed++) {
      const got = aug.augment(x, [28, 28, 1], createRng(seed));
      // The same pipeline by hand.
      const rng = createRng(seed);
      const params = aug.randomParams(rng, 28, 28);
      const warped = applyAffine(x, [28, 28, 1], params, { fillMode: 'constant', cval: 3 });
      const expected = eraser(warped, [28, 28, 1], rng);
      expect(got).toEqual(expected);
    }
  });

  it('augmentBatch equals augmenting each image in order with the same generator', () => {
    const aug = createAugmenter({ ...options, preprocessingFunction: createRandomEraser() });
    const n = 6;
    const batch = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) batch.set(image(i), i * 784);
    const out = aug.augmentBatch(batch, [n, 28, 28, 1], createRng(5));
    const rng = createRng(5);
    for (let i = 0; i < n; i++) {
      const one = aug.augment(batch.subarray(i * 784, (i + 1) * 784), [28, 28, 1], rng);
      expect(out.subarray(i * 784, (i + 1) * 784)).toEqual(one);
    }
  });

  it('is deterministic per seed and different across seeds; RGB images work too', () => {
    const aug = createAugmenter({
      ...options,
      preprocessingFunction: createRandomEraser({ pixelLevel: true }),
    });
    const x = image(3, 12 * 10 * 3);
    const a = aug.augment(x, [12, 10, 3], createRng(8));
    const b = aug.augment(x, [12, 10, 3], createRng(8));
    const c = aug.augment(x, [12, 10, 3], createRng(9));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('runs a custom preprocessing function (in place or returning a new array)', () => {
    const x = image(2);
    const inPlace = createAugmenter({
      preprocessingFunction: (img) => {
        img.fill(1);
      },
    });
    expect(inPlace.augment(x, [28, 28, 1], createRng(1)).every((v) => v === 1)).toBe(true);
    const returning = createAugmenter({ preprocessingFunction: (img) => img.map((v) => -v) });
    expect(returning.augment(x, [28, 28, 1], createRng(1))).toEqual(x.map((v) => -v));
    const wrong = createAugmenter({ preprocessingFunction: () => new Float32Array(3) });
    expect(() => wrong.augment(x, [28, 28, 1], createRng(1))).toThrow(E.InvalidArgumentError);
  });

  it('writes into `out` and never into the input', () => {
    const aug = createAugmenter(options);
    const x = image(4);
    const copy = x.slice();
    const out = new Float32Array(784);
    expect(aug.augment(x, [28, 28, 1], createRng(1), { out })).toBe(out);
    expect(x).toEqual(copy);
    expect(() => aug.augment(x, [28, 28, 1], createRng(1), { out: x })).toThrow(
      E.InvalidArgumentError,
    );
    expect(() => aug.augment(x, [28, 28, 1], createRng(1), { out: new Float32Array(5) })).toThrow(
      E.ShapeMismatchError,
    );
  });

  it('rejects empty batches, wrong lengths and bad shapes', () => {
    const aug = createAugmenter(options);
    const rng = createRng(1);
    expect(() => aug.augmentBatch(new Float32Array(0), [0, 28, 28, 1], rng)).toThrow(
      E.EmptyBatchError,
    );
    try {
      aug.augmentBatch(new Float32Array(0), [0, 28, 28, 1], rng);
    } catch (e) {
      expect((e as E.EmptyBatchError).code).toBe('EMPTY_BATCH');
    }
    expect(() => aug.augmentBatch(new Float32Array(785), [1, 28, 28, 1], rng)).toThrow(
      E.ShapeMismatchError,
    );
    expect(() => aug.augmentBatch(new Float32Array(784), [28, 28, 1] as never, rng)).toThrow(
      E.InvalidShapeError,
    );
    expect(() => createAugmenter({ preprocessingFunction: 3 as never })).toThrow(
      E.InvalidArgumentError,
    );
  });
});

describe('from a user side', () => {
  const opts = { rotationRange: 15, widthShiftRange: 0.1, zoomRange: 0.1, horizontalFlip: true };
  const img = Float32Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 256);

  it('augment and augmentBatch take no rng: the augmenter’s own, seeded with 0', () => {
    const a = createAugmenter(opts);
    const first = a.augment(img, [28, 28, 1]);
    expect(createAugmenter(opts).augment(img, [28, 28, 1])).toEqual(first);
    expect(createAugmenter(opts).augment(img, [28, 28, 1], createRng(0))).toEqual(first);
    expect(a.augment(img, [28, 28, 1])).not.toEqual(first);
    const batch = createAugmenter(opts).augmentBatch(img, [1, 28, 28, 1]);
    expect(batch).toEqual(first);
  });

  it('takes Uint8Array and Uint8ClampedArray images and returns float32', () => {
    const a = createAugmenter(opts).augment(img, [28, 28, 1], createRng(2));
    for (const bytes of [Uint8Array.from(img), Uint8ClampedArray.from(img)]) {
      const b = createAugmenter(opts).augment(bytes, [28, 28, 1], createRng(2));
      expect(b).toBeInstanceOf(Float32Array);
      expect(b).toEqual(a);
    }
  });
});
