import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatten, imagesView, reshape, view } from './arrays.js';
import {
  batches,
  gather,
  InvalidArgumentError,
  labelHistogram,
  oneHot,
  permutation,
  ShapeError,
  type Split,
  scaleImages,
  scaleSplit,
  shuffle,
  slice,
  take,
  trainValidationSplit,
} from './index.js';

/** `n` images whose every pixel is `i & 255` (i = index) and whose label is `i % 10`. */
function tagged(n: number): Split {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i & 255, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), count: n };
}

/** Byte equality of two typed arrays (vitest's deep equality is slow on large arrays). */
function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** True when every image of `s` is still paired with its own label (as made by `tagged`). */
function pairsIntact(s: Split<Uint8Array | Float32Array>, scale = 1): boolean {
  for (let k = 0; k < s.count; k++) {
    const tag = Math.round(s.images[k * 784]! * scale);
    for (let p = k * 784; p < (k + 1) * 784; p++)
      if (s.images[p] !== s.images[k * 784]) return false;
    if (tag < 250 && s.labels[k] !== tag % 10) return false;
  }
  return true;
}

describe('views and shapes', () => {
  const data = new Uint8Array(2 * 784);
  it('N×784, N×28×28 and N×28×28×1 share one buffer', () => {
    const s: Split = { images: data, labels: new Uint8Array(2), count: 2 };
    const flat = imagesView(s, 'flat');
    const hw = imagesView(s, 'hw');
    const img = imagesView(s, 'image');
    expect([flat.shape, hw.shape, img.shape]).toEqual([
      [2, 784],
      [2, 28, 28],
      [2, 28, 28, 1],
    ]);
    expect(flat.data).toBe(data);
    expect(img.data).toBe(data);
    expect(flatten(img).shape).toEqual([2, 784]);
    expect(reshape(flat, [-1, 28, 28, 1]).shape).toEqual([2, 28, 28, 1]);
  });
  it('rejects shapes that do not fit', () => {
    expect(() => view(data, [3, 784])).toThrow(ShapeError);
    expect(() => view(data, [-1, -1])).toThrow(ShapeError);
    expect(() => view(data, [-1, 5])).toThrow(ShapeError);
    expect(() => view(data, [2.5, 627.2])).toThrow(ShapeError);
  });
});

describe('values', () => {
  it('scaleImages divides by 255 (float32), 0 → 0 and 255 → 1', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = scaleImages(all);
    expect(f).toBeInstanceOf(Float32Array);
    for (let i = 0; i < 256; i++) expect(f[i]).toBe(Math.fround(i / 255));
    expect([f[0], f[255]]).toEqual([0, 1]);
    const s = scaleSplit(tagged(3));
    expect(s.images.length).toBe(3 * 784);
    expect(s.images[784]).toBe(Math.fround(1 / 255));
  });
  it('oneHot puts one 1 per row, in the label column', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(oneHot(new Uint8Array(5)).length).toBe(50);
    expect(() => oneHot([3], 3)).toThrow(InvalidArgumentError);
    expect(() => oneHot([-1], 3)).toThrow(InvalidArgumentError);
  });
  it('labelHistogram counts each class', () => {
    expect(labelHistogram([0, 1, 1, 9, 9, 9])).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 3]);
  });
});

describe('permutation and shuffle', () => {
  it('permutation is a permutation of 0..n-1 and deterministic for a seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer(), (n, seed) => {
        const p = permutation(n, seed);
        expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(permutation(n, seed)).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });
  it('different seeds give different orders; the order is pinned across versions', () => {
    expect(permutation(20, 1)).not.toEqual(permutation(20, 2));
    // Pinned: xoroshiro128+ (pure-rand) and uniformInt. A change here changes every experiment.
    expect(Array.from(permutation(10, 42))).toMatchInlineSnapshot(`
      [
        9,
        1,
        8,
        0,
        6,
        2,
        4,
        7,
        3,
        5,
      ]
    `);
  });
  it('every position is reachable: over many seeds each item lands everywhere (unbiased-ish)', () => {
    const n = 5;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let seed = 0; seed < 5000; seed++) {
      const p = permutation(n, seed);
      for (let pos = 0; pos < n; pos++) counts[p[pos]!]![pos]!++;
    }
    // 1000 expected per cell; a biased shuffle (e.g. j in 0..n-1) is far off.
    for (const row of counts) for (const c of row) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
  it('shuffle moves images and labels together and leaves the input alone (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer(), (n, seed) => {
        const s = tagged(n);
        const copy = s.images.slice();
        const t = shuffle(s, seed);
        expect(t.count).toBe(n);
        expect(pairsIntact(t)).toBe(true);
        expect(labelHistogram(t.labels)).toEqual(labelHistogram(s.labels));
        expect(same(s.images, copy)).toBe(true);
        const again = shuffle(s, seed);
        expect(same(again.images, t.images) && same(again.labels, t.labels)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
  it('shuffle works on float32 splits', () => {
    const t = shuffle(scaleSplit(tagged(30)), 7);
    expect(t.images).toBeInstanceOf(Float32Array);
    expect(pairsIntact(t, 255)).toBe(true);
  });
  it('gather rejects an index out of range', () => {
    expect(() => gather(tagged(3), [0, 3])).toThrow(InvalidArgumentError);
  });
});

describe('subsets, validation split, batches', () => {
  it('take and slice are views on the same memory', () => {
    const s = tagged(10);
    const first = take(s, 3);
    expect(first.count).toBe(3);
    expect(first.images.buffer).toBe(s.images.buffer);
    expect(take(s, 100).count).toBe(10);
    const mid = slice(s, 4, 6);
    expect([mid.count, mid.images[0], mid.labels[1]]).toEqual([2, 4, 5]);
    expect(() => slice(s, 5, 4)).toThrow(InvalidArgumentError);
    expect(() => slice(s, 0, 11)).toThrow(InvalidArgumentError);
    expect(() => take(s, -1)).toThrow(InvalidArgumentError);
  });
  it('without a seed the validation set is the tail, sized as Keras does', () => {
    const { train, validation } = trainValidationSplit(tagged(10), { validationSplit: 0.2 });
    expect([train.count, validation.count]).toEqual([8, 2]);
    expect(Array.from(validation.labels)).toEqual([8, 9]);
    // Keras: split_at = int(60000 * (1 - 0.1)) = 54000; int(7 * (1 - 0.3)) = 4 (0.7*7 = 4.8999…).
    expect(
      trainValidationSplit(
        {
          ...tagged(0),
          count: 60000,
          images: new Uint8Array(60000 * 784),
          labels: new Uint8Array(60000),
        },
        {
          validationSplit: 0.1,
        },
      ).validation.count,
    ).toBe(6000);
    expect(trainValidationSplit(tagged(7), { validationSplit: 0.3 }).train.count).toBe(4);
  });
  it('sizes add up and pairs stay intact for any fraction and seed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.option(fc.integer()),
        (n, f, seed) => {
          const s = tagged(n);
          const r = trainValidationSplit(s, { validationSplit: f, seed: seed ?? undefined });
          expect(r.train.count + r.validation.count).toBe(n);
          expect(r.train.count).toBe(Math.trunc(n * (1 - f)));
          expect(pairsIntact(r.train) && pairsIntact(r.validation)).toBe(true);
          const tags = [...r.train.labels, ...r.validation.labels];
          expect(labelHistogram(tags)).toEqual(labelHistogram(s.labels));
        },
      ),
      { numRuns: 200 },
    );
  });
  it('validationSize holds out exactly that many; bad options are refused', () => {
    const r = trainValidationSplit(tagged(10), { validationSize: 3, seed: 1 });
    expect([r.train.count, r.validation.count]).toEqual([7, 3]);
    expect(() => trainValidationSplit(tagged(10), { validationSplit: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => trainValidationSplit(tagged(10), { validationSize: 11 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => trainValidationSplit(tagged(10), {})).toThrow(InvalidArgumentError);
  });
  it('batches cover every item once, in order (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        (n, size, drop) => {
          const s = tagged(n);
          const got = [...batches(s, size, { dropRemainder: drop })];
          const expectCount = drop ? Math.floor(n / size) : Math.ceil(n / size);
          expect(got.length).toBe(expectCount);
          let next = 0;
          for (const b of got) {
            expect(b.start).toBe(next);
            expect(b.count).toBeLessThanOrEqual(size);
            if (drop) expect(b.count).toBe(size);
            for (let k = 0; k < b.count; k++) expect(b.images[k * 784]).toBe((next + k) & 255);
            next += b.count;
          }
          expect(next).toBe(drop ? expectCount * size : n);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('batches checks its arguments at the call', () => {
    expect(() => batches(tagged(3), 0)).toThrow(InvalidArgumentError);
    expect(() =>
      batches({ images: new Uint8Array(5), labels: new Uint8Array(2), count: 2 }, 1),
    ).toThrow(ShapeError);
  });
});
