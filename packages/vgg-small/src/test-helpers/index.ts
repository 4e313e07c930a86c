// Shared by the *.test.ts files; not part of the package's API (not reachable from index.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded source of integers and float arrays for property-style tests. */
export function testRng(seed: number) {
  const rng = xoroshiro128plus(seed);
  return {
    int: (lo: number, hi: number) => uniformInt(rng, lo, hi),
    pick: <T>(xs: readonly T[]) => xs[uniformInt(rng, 0, xs.length - 1)]!,
    floats: (n: number, scale = 1) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = ((rng.next() >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
      return out;
    },
  };
}

/** Runs `fn` on `backend` and returns its outputs as plain arrays (all tensors disposed). */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]) {
  await tf.setBackend(backend);
  await tf.ready();
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const values = outs.map((t) => t.dataSync().slice() as Float32Array);
  const shapes = outs.map((t) => t.shape);
  tf.dispose(outs);
  return { values, shapes };
}

/** max |a − b| / max(|b|, 1e-6): the error relative to the reference's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Number of data buffers the current backend holds (catches leaks inside kernels). */
export function backendDataIds(): number {
  return (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
}

/** The setup shared by the kill-and-resume test and its child process. */
export const KILL_RESUME_OPTIONS = {
  epochs: 4,
  batchSize: 50,
  learningRate: 2e-3,
  validationSplit: 0.1,
  augment: true,
  seed: 9,
} as const;

/** The first 800 training images. */
export function killResumeData(train: { images: Uint8Array; labels: Uint8Array }) {
  return {
    images: train.images.subarray(0, 800 * 784),
    labels: train.labels.subarray(0, 800),
    count: 800,
  };
}
