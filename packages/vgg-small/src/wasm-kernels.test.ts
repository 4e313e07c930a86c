import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendDataIds, relError, runOn, testRng } from './test-helpers.js';
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  wasmTrainingKernelsRegistered,
} from './wasm-kernels.js';

const TOL = 2e-5;
/**
 * The bound. The cpu reference chains ~14 float32 kernels per batch-norm gradient; the fused
 * kernel sums in float64, so the two differ by the reference's own rounding (seen: 2.5e-5).
 */
const BN_TOL = 1e-4;

/** Runs `fn` on cpu (reference) and on wasm, checks the wasm backend kept no buffers, compares. */
async function compare(fn: () => tf.Tensor | tf.Tensor[], tol = TOL) {
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

describe('registerWasmTrainingKernels', () => {
  it('is idempotent and reversible: the shipped kernels come back after the last unregister', async () => {
    await tf.setBackend('wasm');
    const shipped = tf.getKernel('BatchMatMul', 'wasm');
    const bnGrad = tf.getGradient('FusedBatchNorm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const un1 = registerWasmTrainingKernels();
    const un2 = registerWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    for (const name of Object.keys(WASM_TRAINING_KERNELS)) {
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(shipped);
    expect(tf.getGradient('FusedBatchNorm')).not.toBe(bnGrad);
    un1();
    un1(); // a second call of the same function does nothing
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    un2();
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(shipped);
    expect(tf.getGradient('FusedBatchNorm')).toBe(bnGrad);
  });
});

describe('wasm training kernels match the cpu backend', () => {
  let unregister: () => void;
  beforeAll(() => {
    unregister = registerWasmTrainingKernels();
  });
  afterAll(() => unregister());

  it('conv2d gradients (filter and input) on random shapes, strides 1 and 2, same and valid', async () => {
    const r = testRng(7);
    const cases: [number, number, number, number, number, number, number, 'same' | 'valid'][] = [];
    for (let i = 0; i < 24; i++) {
      const k = r.pick([1, 2, 3, 3, 5]);
      const stride = i % 2 === 0 ? 1 : 2;
      const pad = i % 4 < 2 ? 'same' : 'valid';
      const h = r.int(k, 12);
      const w = r.int(k, 12);
      const c = i < 12 ? r.int(1, 6) : r.int(16, 24); // both the im2col and the per-tap path
      cases.push([r.int(1, 3), h, w, c, r.int(1, 9), k, stride, pad]);
    }
    // unused trailing rows/columns (valid padding, even sides, stride 2) and a 1×1 output
    cases.push(
      [2, 8, 8, 3, 4, 3, 2, 'valid'],
      [1, 7, 6, 17, 3, 2, 2, 'valid'],
      [2, 3, 3, 2, 2, 3, 1, 'valid'],
    );
    for (const [b, h, w, c, f, k, s, pad] of cases) {
      const xv = r.floats(b * h * w * c);
      const wv = r.floats(k * k * c * f);
      const fn = () => {
        const x = tf.tensor4d(xv, [b, h, w, c]);
        const filt = tf.tensor4d(wv, [k, k, c, f]);
        const loss = (x: tf.Tensor, w: tf.Tensor) => {
          const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);
          // a fixed, non-uniform output gradient
          return tf.sum(tf.mul(y, tf.reshape(tf.sin(tf.range(0, y.size)), y.shape)));
        };
        return tf.grads(loss)([x, filt]);
      };
      await compare(fn);
    }
  });

  it('conv2d gradients at batch 1 and 256, and across filter-gradient chunks', async () => {
    const r = testRng(11);
    const cases: [number, number, number, number, number, number, number, 'same' | 'valid'][] = [
      [256, 8, 8, 8, 6, 3, 1, 'same'], // two chunks of 128 images
      [256, 9, 9, 9, 4, 3, 2, 'valid'],
      [24, 28, 28, 8, 5, 3, 1, 'same'], // chunks of 10, 10 and 4 images
      [256, 28, 28, 1, 4, 3, 1, 'same'], // first layer: the im2col product
      [1, 28, 28, 1, 8, 3, 1, 'same'],
      [1, 14, 14, 16, 8, 3, 2, 'same'],
    ];
    for (const [b, h, w, c, f, k, s, pad] of cases) {
      const xv = r.floats(b * h * w * c);
      const wv = r.floats(k * k * c * f);
      await compare(() => {
        const x = tf.tensor4d(xv, [b, h, w, c]);
        const filt = tf.tensor4d(wv, [k, k, c, f]);
        return tf.grads((xx: tf.Tensor, ww: tf.Tensor) => {
          const y = tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, s, pad);
          return tf.sum(tf.mul(y, tf.reshape(tf.sin(tf.range(0, y.size)), y.shape)));
        })([x, filt]);
      });
    }
  });

  it('batch-norm gradients (FusedBatchNormGrad): ranks 2 and 4, fixed and batch statistics', async () => {
    const r = testRng(17);
    for (const shape of [
      [3, 5, 4, 6],
      [33, 7],
      [2, 28, 28, 16],
    ]) {
      const C = shape[shape.length - 1]!;
      const n = shape.reduce((p, d) => p * d, 1);
      const xv = r.floats(n, 2);
      const mv = r.floats(C);
      const vv = Float32Array.from(r.floats(C), (v) => Math.abs(v) + 0.1);
      const gv = r.floats(C);
      const ov = r.floats(C);
      const weight = (y: tf.Tensor) => tf.reshape(tf.cos(tf.range(0, y.size)), y.shape);
      // all five inputs (tfjs-core can only differentiate batchNorm with both scale and offset)
      await compare(
        () =>
          tf.grads((x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
            const y = tf.batchNorm(x, m, v, o, g, 1e-3);
            return tf.sum(tf.mul(y, weight(y)));
          })([
            tf.tensor(xv, shape),
            tf.tensor1d(mv),
            tf.tensor1d(vv),
            tf.tensor1d(gv),
            tf.tensor1d(ov),
          ]),
        BN_TOL,
      );
      // training mode: the statistics come from the batch (the gradient flows through moments too)
      await compare(
        () =>
          tf.grads((x: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
            const axes = shape.slice(0, -1).map((_, i) => i);
            const { mean, variance } = tf.moments(x, axes);
            const y = tf.batchNorm(x, mean, variance, o, g, 1e-3);
            return tf.sum(tf.mul(y, weight(y)));
          })([tf.tensor(xv, shape), tf.tensor1d(gv), tf.tensor1d(ov)]),
        BN_TOL,
      );
    }
  });

  it('identity and same-dtype cast share the buffer: copies outlive their source, gradients pass', async () => {
    const r = testRng(19);
    const v = r.floats(2 * 3 * 4);
    await compare(() => {
      const x = tf.tensor3d(v, [2, 3, 4]);
      const copy = tf.clone(x);
      x.dispose();
      const same = tf.cast(copy, 'float32'); // shares, like clone
      const ints = tf.cast(tf.mul(copy, 10), 'int32'); // a real conversion: the shipped kernel
      return [
        copy,
        same,
        tf.cast(ints, 'float32'),
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.clone(t))))(copy),
      ];
    });
  });

  it('matMul with transposed operands (dense-layer gradients)', async () => {
    const r = testRng(3);
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ] as const) {
      const [m, k, n, batch] = [r.int(1, 40), r.int(1, 40), r.int(1, 40), r.int(1, 3)];
      const av = r.floats(batch * m * k);
      const bv = r.floats(batch * k * n);
      await compare(() =>
        tf.matMul(
          tf.tensor3d(av, ta ? [batch, k, m] : [batch, m, k]),
          tf.tensor3d(bv, tb ? [batch, n, k] : [batch, k, n]),
          ta,
          tb,
        ),
      );
    }
  });

  it('sum and mean over leading and other axes', async () => {
    const r = testRng(5);
    const xv = r.floats(4 * 5 * 6 * 7, 3);
    const x = () => tf.tensor4d(xv, [4, 5, 6, 7]);
    for (const axis of [0, [0, 1], [0, 1, 2], [0, 1, 2, 3], [1, 2], 3, -1, [2, 0]]) {
      for (const keepDims of [false, true]) {
        await compare(() => [tf.sum(x(), axis, keepDims), tf.mean(x(), axis, keepDims)]);
      }
    }
    const v = r.floats(300);
    await compare(() => tf.sum(tf.tensor1d(v)));
    await compare(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
  });

  it('tile for ranks 1 to 4, float and int', async () => {
    const r = testRng(9);
    for (let i = 0; i < 12; i++) {
      const rank = r.int(1, 4);
      const shape = Array.from({ length: rank }, () => r.int(1, 4));
      const reps = Array.from({ length: rank }, () => r.int(1, 3));
      const size = shape.reduce((p, d) => p * d, 1);
      const v = r.floats(size);
      const iv = Array.from(v, (x) => Math.round(x * 100));
      await compare(() => [
        tf.tile(tf.tensor(v, shape), reps),
        tf.tile(tf.tensor(iv, shape, 'int32'), reps),
      ]);
    }
    await compare(() => tf.tile(tf.ones([1, 1, 1, 16]), [32, 28, 28, 1]));
  });

  it('max-pool gradient, including ties and padding', async () => {
    const r = testRng(13);
    for (const [size, stride, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [3, 1, 'same'],
      [2, 1, 'valid'],
      [3, 3, 'valid'],
    ] as const) {
      const shape: [number, number, number, number] = [2, r.int(4, 9), r.int(4, 9), r.int(1, 5)];
      const n = shape.reduce((p, d) => p * d, 1);
      const xv = r.floats(n);
      const tied = Float32Array.from(xv, (v) => Math.round(v * 2)); // many equal values
      for (const data of [xv, tied]) {
        await compare(() =>
          tf.grad((x: tf.Tensor) => {
            const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
            return tf.sum(tf.mul(y, tf.reshape(tf.range(0, y.size), y.shape)));
          })(tf.tensor4d(data, shape)),
        );
      }
    }
  });
});

describe('a whole training step on wasm matches the cpu backend', () => {
  it('gives the same loss and gradients for every weight of a small network', async () => {
    const unregister = registerWasmTrainingKernels();
    try {
      const { createVggSmall } = await import('./model.js');
      const r = testRng(21);
      const xv = Float32Array.from(r.floats(16 * 784), (v) => Math.abs(v));
      const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
      const gradsOn = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        // seeded: the same weights on both backends
        const model = createVggSmall({ blockFilters: [8, 16], denseUnits: [32], seed: 5 });
        const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout');
        dropouts.forEach((d, i) => {
          (d as unknown as { seed: number }).seed = 100 + i; // the same masks on both
        });
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const out = tf.tidy(() => {
          const x = tf.tensor4d(xv, [16, 28, 28, 1]);
          const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
          const { value, grads } = tf.variableGrads(() => {
            const p = model.apply(x, { training: true }) as tf.Tensor;
            return tf.mean(
              tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), -1)),
            ) as tf.Scalar;
          }, vars);
          return [value, ...vars.map((v) => grads[v.name]!)];
        });
        const values = out.map((t) => t.dataSync().slice());
        tf.dispose(out);
        model.dispose();
        return values;
      };
      const cpu = await gradsOn('cpu');
      const wasm = await gradsOn('wasm');
      expect(wasm).toHaveLength(cpu.length);
      expect(Math.abs(wasm[0]![0]! - cpu[0]![0]!)).toBeLessThan(1e-5);
      // Conv biases feed batch norm, so their true gradient is 0 (float noise on both sides):
      // errors are measured against the largest gradient of the step, not of each tensor.
      let scale = 0;
      for (const g of cpu.slice(1)) for (const v of g) scale = Math.max(scale, Math.abs(v));
      wasm.slice(1).forEach((g, i) => {
        const ref = cpu[i + 1]!;
        let worst = 0;
        for (let k = 0; k < g.length; k++) worst = Math.max(worst, Math.abs(g[k]! - ref[k]!));
        expect(worst / scale).toBeLessThan(1e-4);
      });
    } finally {
      unregister();
    }
  });
});
