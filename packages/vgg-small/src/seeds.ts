import { fmix32 } from '@fmnist/augment/primitives';

/** Stream names mixed into derived seeds, so that streams of one run never coincide. */
export const STREAM = {
  split: 1,
  shuffle: 2,
  augment: 3,
  dropout: 4,
  offline: 5,
} as const;

/**
 * A 31-bit seed derived from a run seed and integer coordinates (stream, epoch, batch, layer…).
 * Every random choice of training is a pure function of these, so resuming at epoch k replays
 * exactly what an uninterrupted run would have drawn.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = fmix32((seed | 0) ^ 0x9e3779b9);
  for (const p of parts) h = fmix32(h ^ Math.imul((p | 0) + 0x632be5ab, 0x27d4eb2d));
  return h & 0x7fffffff;
}
