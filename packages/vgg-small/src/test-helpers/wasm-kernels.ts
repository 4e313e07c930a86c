// Shared by the wasm kernels' *.test.ts files; not part of the package's API (not reachable from
// index.ts).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../wasm-kernels/register.js';
import { backendDataIds, relError, runOn, testRng } from './index.js';

/** Float32 tolerance of a kernel against the cpu backend (relative to the reference's scale). */
const TOL = 2e-5;

/** Registers the training kernels for the calling test file (or describe block). */
export function withWasmTrainingKernels(): void {
  let unregister: (() => void) | undefined;
  beforeAll(() => {
    unregister = registerWasmTrainingKernels();
  });
  afterAll(() => unregister?.());
}

/** Runs `fn` on cpu (reference) and on wasm, checks the wasm backend kept no buffers, compares. */
export async function compareWithCpu(fn: () => tf.Tensor | tf.Tensor[], tol = TOL): Promise<void> {
  const ref = await runOn('cpu', fn);
  await tf.setBackend('wasm');
  const idsBefore = backendDataIds();
  const tensorsBefore = tf.memory().numTensors;
  const got = await runOn('wasm', fn);
  expect(backendDataIds()).toBe(idsBefore);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(got.shapes).toEqual(ref.shapes);
  got.values.forEach((v, i) => {
    expect(relError(v, ref.values[i]!)).toBeLessThan(tol);
  });
}

/** A fixed, non-uniform output gradient: Σ y·sin(i), as a loss. */
function sinWeightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.reshape(tf.sin(tf.range(0, y.size)), y.shape)));
}

/** A convolution case: batch, height, width, channels, filters, kernel size, stride, padding. */
type ConvCase = [number, number, number, number, number, number, number, 'same' | 'valid'];

/**
 * The convolution shapes both conv gradient kernels are checked on: random shapes, strides 1 and 2,
 * same and valid padding, few and many channels (both filter-gradient paths), plus edge cases.
 */
function randomConvCases(r: { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T }) {
  const cases: ConvCase[] = [];
  for (let i = 0; i < 24; i++) {
    const k = r.pick([1, 2, 3, 3, 5]);
    const stride = i % 2 === 0 ? 1 : 2;
    const pad = i % 4 < 2 ? 'same' : 'valid';
    const h = r.int(k, 12);
    const w = r.int(k, 12);
    const c = i < 12 ? r.int(1, 6) : r.int(16, 24); // every filter-gradient path
    cases.push([r.int(1, 3), h, w, c, r.int(1, 9), k, stride, pad]);
  }
  // unused trailing rows/columns (valid padding, even sides, stride 2) and a 1×1 output
  cases.push(
    [2, 8, 8, 3, 4, 3, 2, 'valid'],
    [1, 7, 6, 17, 3, 2, 2, 'valid'],
    [2, 3, 3, 2, 2, 3, 1, 'valid'],
  );
  return cases;
}

/**
 * Batch 1 and 256, batches that cross the filter gradient's chunks, and each of its three paths:
 * our SIMD kernel (F a multiple of 4, C·F ≤ 192·192), the im2col product (few filter rows) and the
 * forward-convolution form.
 */
const LARGE_CONV_CASES: readonly ConvCase[] = [
  [256, 8, 8, 8, 6, 3, 1, 'same'], // convolution form: two chunks of 128 images
  [256, 9, 9, 9, 4, 3, 2, 'valid'], // SIMD kernel: 10 chunks
  [24, 28, 28, 8, 5, 3, 1, 'same'], // convolution form: chunks of 10, 10 and 4 images
  [256, 28, 28, 1, 4, 3, 1, 'same'], // first layer, SIMD kernel
  [64, 28, 28, 1, 6, 3, 1, 'same'], // first layer, the im2col product
  [1, 28, 28, 1, 8, 3, 1, 'same'],
  [1, 14, 14, 16, 8, 3, 2, 'same'],
  [2, 5, 5, 200, 192, 3, 1, 'same'], // C·F over the SIMD kernel's limit: convolution form
];

/**
 * The tests of one conv gradient kernel against the cpu backend: the gradient of
 * {@link sinWeightedSum}`(conv2d(x, filter))` with respect to the filter (`Conv2DBackpropFilter`) or
 * to the input (`Conv2DBackpropInput`), on {@link randomConvCases} and {@link LARGE_CONV_CASES}.
 */
export function describeConvGradientKernel(wrt: 'filter' | 'input'): void {
  /** The gradient of one case, with random data drawn from `r`, on cpu and on wasm. */
  async function check(r: ReturnType<typeof testRng>, [b, h, w, c, f, k, s, pad]: ConvCase) {
    const xv = r.floats(b * h * w * c);
    const wv = r.floats(k * k * c * f);
    await compareWithCpu(() => {
      const x = tf.tensor4d(xv, [b, h, w, c]);
      const filt = tf.tensor4d(wv, [k, k, c, f]);
      return wrt === 'filter'
        ? tf.grad((v: tf.Tensor) => sinWeightedSum(tf.conv2d(x, v as tf.Tensor4D, s, pad)))(filt)
        : tf.grad((v: tf.Tensor) => sinWeightedSum(tf.conv2d(v as tf.Tensor4D, filt, s, pad)))(x);
    });
  }

  const kernel = wrt === 'filter' ? 'Conv2DBackpropFilter' : 'Conv2DBackpropInput';
  describe(`${kernel} on wasm matches the cpu backend`, () => {
    withWasmTrainingKernels();

    it('on random shapes, strides 1 and 2, same and valid', async () => {
      const r = testRng(7);
      for (const c of randomConvCases(r)) await check(r, c);
    });

    it('at batch 1 and 256, and across filter-gradient chunks', async () => {
      const r = testRng(11);
      for (const c of LARGE_CONV_CASES) await check(r, c);
    });
  });
}
