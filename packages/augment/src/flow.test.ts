import { describe, expect, it } from 'vitest';
import { createAugmenter } from './augmenter.js';
import { createRandomEraser } from './erasing.js';
import {
  EmptyBatchError,
  InvalidArgumentError,
  LabelMismatchError,
  ShapeMismatchError,
} from './errors.js';
import { augmentOffline, type FlowBatch, flow } from './flow.js';
import { createRng } from './rng.js';

const H = 4;
const W = 3;
const SIZE = H * W;

/** n images, image i filled with the value i; labels i % 10. */
function data(n: number) {
  const images = new Float32Array(n * SIZE);
  for (let i = 0; i < n; i++) images.fill(i, i * SIZE, (i + 1) * SIZE);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images, labels };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('flow', () => {
  it('visits every image once per epoch, in batches, with aligned labels', async () => {
    const { images, labels } = data(10);
    const batches = await collect(
      flow(images, labels, [10, H, W, 1], { batchSize: 4, seed: 3, augment: false }),
    );
    expect(batches.map((b) => b.shape[0])).toEqual([4, 4, 2]);
    const seen: number[] = [];
    for (const b of batches) {
      for (let j = 0; j < b.shape[0]; j++) {
        const idx = b.xs[j * SIZE];
        expect(b.indices[j]).toBe(idx);
        expect(b.ys[j]).toBe(idx % 10);
        seen.push(idx);
      }
    }
    expect(seen.slice().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(seen).not.toEqual([...Array(10).keys()]); // shuffled by default
  });

  it('keeps the order without shuffle; reshuffles every epoch; is deterministic per seed', async () => {
    const { images, labels } = data(7);
    const plain = await collect(
      flow(images, labels, [7, H, W, 1], { batchSize: 7, shuffle: false, augment: false }),
    );
    expect(Array.from(plain[0].indices)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const run = () =>
      collect(flow(images, labels, [7, H, W, 1], { batchSize: 3, epochs: 2, seed: 11 }));
    const a = await run();
    const b = await run();
    expect(a.map((x) => Array.from(x.xs))).toEqual(b.map((x) => Array.from(x.xs)));
    const order = (bs: FlowBatch<Uint8Array>[], e: number) =>
      bs.filter((x) => x.epoch === e).flatMap((x) => Array.from(x.indices));
    expect(order(a, 0)).not.toEqual(order(a, 1));
    expect(a.filter((x) => x.epoch === 1).map((x) => x.batch)).toEqual([0, 1, 2]);
  });

  it('augments each batch with the augmenter and gathers one-hot rows', async () => {
    const n = 5;
    const images = new Float32Array(n * 28 * 28).map((_, i) => i % 251);
    const oneHot = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) oneHot[i * 3 + (i % 3)] = 1;
    const aug = createAugmenter({
      rotationRange: 20,
      preprocessingFunction: createRandomEraser({ p: 1 }),
    });
    const [b] = await collect(
      flow(images, oneHot, [n, 28, 28, 1], { batchSize: 5, seed: 2, augment: aug }),
    );
    expect(b.ys).toBeInstanceOf(Float32Array);
    for (let j = 0; j < n; j++) expect(b.ys[j * 3 + (b.indices[j] % 3)]).toBe(1);
    // Same as gathering, then augmentBatch with the seed's generator.
    const gathered = new Float32Array(n * 784);
    b.indices.forEach((src, j) => {
      gathered.set(images.subarray(src * 784, (src + 1) * 784), j * 784);
    });
    expect(b.xs).toEqual(aug.augmentBatch(gathered, [n, 28, 28, 1], createRng(2)));
    expect(b.xs).not.toEqual(gathered);
  });

  it('gives labels of the standard typed-array class (a Node Buffer gives Uint8Array)', async () => {
    const { images } = data(3);
    const [b] = await collect(
      flow(images, Buffer.from([7, 8, 9]), [3, H, W, 1], { batchSize: 3, shuffle: false }),
    );
    expect(b.ys.constructor).toBe(Uint8Array);
    expect(Array.from(b.ys)).toEqual([7, 8, 9]);
    await expect(collect(flow(images, [1, 2, 3] as never, [3, H, W, 1]))).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects bad input with typed errors', async () => {
    const { images, labels } = data(4);
    await expect(collect(flow(images, labels.subarray(0, 3), [4, H, W, 1]))).rejects.toThrow(
      LabelMismatchError,
    );
    await expect(collect(flow(new Float32Array(0), labels, [0, H, W, 1]))).rejects.toThrow(
      EmptyBatchError,
    );
    await expect(collect(flow(images, labels, [5, H, W, 1]))).rejects.toThrow(ShapeMismatchError);
    await expect(collect(flow(images, labels, [4, H, W, 1], { batchSize: 0 }))).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

describe('augmentOffline', () => {
  it('returns the originals followed by N augmented copies, labels repeated', () => {
    const { images, labels } = data(6);
    const opts = { widthShiftRange: 1, fillMode: 'constant' as const, cval: -1 };
    const r = augmentOffline(images, labels, [6, H, W, 1], { copies: 2, augment: opts, seed: 9 });
    expect(r.shape).toEqual([18, H, W, 1]);
    expect(r.images.subarray(0, images.length)).toEqual(images);
    expect(Array.from(r.labels)).toEqual([...labels, ...labels, ...labels]);
    const rng = createRng(9);
    const aug = createAugmenter(opts);
    for (let k = 1; k <= 2; k++) {
      const copy = r.images.subarray(k * images.length, (k + 1) * images.length);
      expect(copy).toEqual(aug.augmentBatch(images, [6, H, W, 1], rng));
    }
    expect(r.images.subarray(images.length, 2 * images.length)).not.toEqual(images);
    expect(
      augmentOffline(images, labels, [6, H, W, 1], { copies: 0, augment: opts, seed: 9 }).images,
    ).toEqual(images);
  });

  it('keeps the deprecated positional form, with the same result', () => {
    const { images, labels } = data(5);
    const opts = {
      rotationRange: 30,
      preprocessingFunction: createRandomEraser({ p: 1, valueRange: [0, 1] }),
    };
    const a = augmentOffline(images, labels, [5, H, W, 1], { copies: 2, augment: opts, seed: 4 });
    const b = augmentOffline(images, labels, [5, H, W, 1], 2, opts, 4);
    expect(b.images).toEqual(a.images);
    expect(b.labels).toEqual(a.labels);
    expect(b.shape).toEqual(a.shape);
    // The seed defaults to 0.
    expect(
      augmentOffline(images, labels, [5, H, W, 1], { copies: 1, augment: opts }).images,
    ).toEqual(
      augmentOffline(images, labels, [5, H, W, 1], { copies: 1, augment: opts, seed: 0 }).images,
    );
  });

  it('takes byte images (Uint8Array, Uint8ClampedArray) as their float32 values', () => {
    const { images, labels } = data(4);
    const opts = { rotationRange: 20, zoomRange: 0.2 };
    const f = augmentOffline(images, labels, [4, H, W, 1], { copies: 1, augment: opts, seed: 3 });
    for (const bytes of [Uint8Array.from(images), Uint8ClampedArray.from(images)]) {
      const r = augmentOffline(bytes, labels, [4, H, W, 1], { copies: 1, augment: opts, seed: 3 });
      expect(r.images).toBeInstanceOf(Float32Array);
      expect(r.images).toEqual(f.images);
    }
  });

  it('rejects bad input', () => {
    const { images, labels } = data(3);
    expect(() =>
      augmentOffline(images, labels, [3, H, W, 1], { copies: -1, augment: {}, seed: 1 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      augmentOffline(images, new Uint8Array(2), [3, H, W, 1], { copies: 1, augment: {} }),
    ).toThrow(LabelMismatchError);
    expect(() =>
      augmentOffline(new Float32Array(0), labels, [0, H, W, 1], { copies: 1, augment: {} }),
    ).toThrow(EmptyBatchError);
  });
});
