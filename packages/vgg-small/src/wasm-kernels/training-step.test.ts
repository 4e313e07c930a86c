import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testRng } from '../test-helpers/index.js';
import { registerWasmTrainingKernels } from './index.js';

describe('a whole training step on wasm matches the cpu backend', () => {
  it('gives the same loss and gradients for every weight of a small network', async () => {
    const unregister = registerWasmTrainingKernels();
    try {
      const { createVggSmall } = await import('../model.js');
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
