/**
 * Where one training step (forward + backward + Adam) spends its time, per kernel family, with
 * tf.profile; plus the step time without batch normalisation (its full cost, forward and backward,
 * which tf.profile cannot attribute: its gradient is made of generic element-wise kernels).
 *
 *   pnpm exec tsx scripts/profile-step.ts --preset cpu --backend wasm --batch 128
 *   pnpm exec tsx scripts/profile-step.ts --preset seed --backend cpu --batch 16
 *   pnpm exec tsx scripts/profile-step.ts --preset cpu --backend wasm --stock   # shipped kernels
 *
 * --warmup N steps before timing (default 1), --steps N timed steps (median; default 3), then one
 * profiled step. --stock registers only the missing Conv2DBackpropFilter on wasm (the shipped versions of the
 * other kernels stay), to measure what the replacements gain. Prints a Markdown table.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { createVggSmall, PRESETS, registerWasmTrainingKernels } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'cpu' },
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '128' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    stock: { type: 'boolean', default: false },
    'no-ablation': { type: 'boolean', default: false },
  },
});
const preset = PRESETS[args.preset as keyof typeof PRESETS];
if (!preset) throw new Error(`unknown preset ${args.preset}`);
const batch = Number(args.batch);
const steps = Number(args.steps);
if (args.backend === 'wasm') {
  registerWasmTrainingKernels(args.stock ? { kernels: ['Conv2DBackpropFilter'] } : {});
}
await tf.setBackend(args.backend!);
await tf.ready();

const FAMILIES: [string, (k: string) => boolean][] = [
  ['conv forward', (k) => k === 'Conv2D' || k === 'FusedConv2D'],
  ['conv backprop filter', (k) => k === 'Conv2DBackpropFilter'],
  ['conv backprop input', (k) => k === 'Conv2DBackpropInput'],
  ['matmul (dense fwd+bwd)', (k) => k === 'BatchMatMul' || k === '_FusedMatMul'],
  ['batch-norm kernel (fwd)', (k) => k === 'FusedBatchNorm'],
  ['max-pool fwd+bwd', (k) => k === 'MaxPool' || k === 'MaxPoolGrad'],
  ['reductions (Sum, Mean…)', (k) => ['Sum', 'Mean', 'Max', 'Min', 'ArgMax', 'Prod'].includes(k)],
  [
    'tile / transpose / copies',
    (k) => ['Tile', 'Transpose', 'Identity', 'Reshape', 'Cast'].includes(k),
  ],
  ['element-wise (bn grad, adam, relu, dropout…)', () => true],
];

function makeStep(model: LayersModel) {
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

function timeSteps(step: () => void): number {
  // warm-up: operator creation, weight packing, heap growth (the cpu backend needs none)
  for (let i = 0; i < Number(args.warmup); i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const model = createVggSmall(preset.model);
const { step, dispose } = makeStep(model);
const stepMs = timeSteps(step);
const profile = await tf.profile(() => step());
const byKernel = new Map<string, number>();
for (const k of profile.kernels) {
  if (k.name.endsWith('__op')) continue; // op-level spans that contain the kernels below them
  byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
}
const total = [...byKernel.values()].reduce((s, v) => s + v, 0);
const families = new Map<string, number>();
for (const [name, ms] of byKernel) {
  const family = FAMILIES.find(([, match]) => match(name))![0];
  families.set(family, (families.get(family) ?? 0) + ms);
}
dispose();
model.dispose();

let noBnMs: number | undefined;
if (!args['no-ablation']) {
  const plain = createVggSmall({ ...preset.model, batchNorm: false });
  const s = makeStep(plain);
  noBnMs = timeSteps(s.step);
  s.dispose();
  plain.dispose();
}

const kernels = args.stock
  ? 'shipped kernels + missing Conv2DBackpropFilter'
  : 'registerWasmTrainingKernels()';
console.log(
  `\n${args.preset} preset, ${tf.getBackend()}${tf.getBackend() === 'wasm' ? ` (${kernels})` : ''}, ` +
    `batch ${batch}: step ${stepMs.toFixed(0)} ms (median of ${steps}), ${((batch / stepMs) * 1000).toFixed(1)} images/s`,
);
console.log('\n| kernel family | ms | share |\n|---|---:|---:|');
for (const [family] of FAMILIES) {
  const ms = families.get(family) ?? 0;
  console.log(`| ${family} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(1)}% |`);
}
console.log(`| **sum of kernels** | ${total.toFixed(1)} | 100% |`);
if (noBnMs !== undefined) {
  console.log(
    `\nwithout batch norm: step ${noBnMs.toFixed(0)} ms → batch norm (forward + backward) costs ` +
      `${(stepMs - noBnMs).toFixed(0)} ms, ${((100 * (stepMs - noBnMs)) / stepMs).toFixed(0)}% of the step`,
  );
}
const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`\ntop kernels: ${top.map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}`);
