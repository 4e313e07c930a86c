import { describe, expect, it } from 'vitest';
import { loadFashionMnist } from './index.js';

describe('loadFashionMnist on the real dataset', () => {
  it('loads 60,000 train and 10,000 test images with labels', async () => {
    const d = await loadFashionMnist();
    expect(d.train.count).toBe(60_000);
    expect(d.test.count).toBe(10_000);
    expect(d.train.images.length).toBe(60_000 * 784);
    expect(d.test.images.length).toBe(10_000 * 784);
    expect(Array.from(d.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(d.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const hist = new Array(10).fill(0);
    for (const l of d.train.labels) hist[l]++;
    expect(hist).toEqual(new Array(10).fill(6000));
  });
});
