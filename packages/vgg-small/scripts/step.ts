/**
 * One training step (forward, loss, backward, Adam) of a VGG-small configuration on synthetic data,
 * shared by scripts/profile-step.ts and scripts/bench-training.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

export function makeStep(model: LayersModel, batch: number) {
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const cost = optimizer.minimize(
      () => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        return tf.mean(
          tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1)),
        ) as tf.Scalar;
      },
      true,
      vars,
    )!;
    cost.dataSync();
    cost.dispose();
  };
  const dispose = () => {
    tf.dispose([x, y]);
    optimizer.dispose();
  };
  return { step, dispose };
}

/** Median wall time of `steps` calls after `warmup` untimed ones (operator creation, heap growth). */
export function timeSteps(step: () => void, steps: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Kernel families of a training step, in the order tables print them. */
export const FAMILIES: [string, (k: string) => boolean][] = [
  ['conv forward', (k) => k === 'Conv2D' || k === 'FusedConv2D'],
  ['conv backprop filter', (k) => k === 'Conv2DBackpropFilter'],
  ['conv backprop input', (k) => k === 'Conv2DBackpropInput'],
  ['matmul (dense fwd+bwd)', (k) => k === 'BatchMatMul' || k === '_FusedMatMul'],
  ['batch-norm kernels', (k) => k === 'FusedBatchNorm' || k === 'FusedBatchNormGrad'],
  ['max-pool fwd+bwd', (k) => k === 'MaxPool' || k === 'MaxPoolGrad'],
  ['reductions (Sum, Mean…)', (k) => ['Sum', 'Mean', 'Max', 'Min', 'ArgMax', 'Prod'].includes(k)],
  [
    'tile / transpose / copies',
    (k) => ['Tile', 'Transpose', 'Identity', 'Reshape', 'Cast'].includes(k),
  ],
  ['element-wise (bn grad, adam, relu, dropout…)', () => true],
];

/** Kernel time of one step per family (tf.profile), and the five slowest kernels. */
export async function profileFamilies(step: () => void) {
  const profile = await tf.profile(() => step());
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    if (k.name.endsWith('__op')) continue; // op-level spans that contain the kernels below them
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const families = new Map<string, number>();
  for (const [name, ms] of byKernel) {
    const family = FAMILIES.find(([, match]) => match(name))![0];
    families.set(family, (families.get(family) ?? 0) + ms);
  }
  const total = [...byKernel.values()].reduce((s, v) => s + v, 0);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return { families, total, top };
}
