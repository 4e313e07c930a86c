import type { Split } from '@fmnist/data';
import { UsageError } from './errors.js';

/** The first `n` images of a split (views, no copy). Fashion-MNIST's files are already shuffled. */
export function firstN(split: Split, n: number | undefined, flag: string): Split {
  if (n === undefined || n === split.count) return split;
  if (n > split.count) {
    throw new UsageError({
      message: `--${flag} is ${n} but the split holds only ${split.count} images.`,
    });
  }
  const pixels = split.images.length / split.count;
  return {
    ...split,
    images: split.images.subarray(0, n * pixels),
    labels: split.labels.subarray(0, n),
    count: n,
  };
}
