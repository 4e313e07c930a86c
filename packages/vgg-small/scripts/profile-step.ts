/**
 * Where one training step (forward + backward + Adam) spends its time, per kernel family, with
 * tf.profile; plus the step time without batch normalisation (its full cost, forward and backward,
 * which tf.profile cannot attribute: its gradient is made of generic element-wise kernels).
 *
 *   pnpm exec tsx scripts/profile-step.ts --preset cpu --backend wasm --batch 128
 *   pnpm exec tsx scripts/profile-step.ts --preset reference --backend cpu --batch 16
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
import { createVggSmall, PRESETS, registerWasmTrainingKernels } from '../src/index.js';
import { FAMILIES, makeStep, profileFamilies, timeSteps } from './step.js';

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

const model = createVggSmall(preset.model);
const { step, dispose } = makeStep(model, batch);
const stepMs = timeSteps(step, steps, Number(args.warmup));
const { families, total, top } = await profileFamilies(step);
dispose();
model.dispose();

let noBnMs: number | undefined;
if (!args['no-ablation']) {
  const plain = createVggSmall({ ...preset.model, batchNorm: false });
  const s = makeStep(plain, batch);
  noBnMs = timeSteps(s.step, steps, Number(args.warmup));
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
console.log(`\ntop kernels: ${top.map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}`);
