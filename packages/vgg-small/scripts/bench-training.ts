/**
 * Training speed on tfjs-backend-wasm, before and after registerWasmTrainingKernels(), per kernel
 * and per step, with PyTorch's step on the same network in the same run.
 *
 *   flock /tmp/fmnist-bench.lock pnpm --filter @fmnist/vgg-small bench:training
 *   node --import tsx scripts/bench-training.ts --batch 256 --kernel-batch 64 --steps 3 --json out.json
 *
 * "before" is tfjs-backend-wasm 4.22 as shipped, plus the stand-in filter gradient it needs to train
 * at all (the issue's: built from PadV2/Slice/BatchMatMul(transposeA)/Concat kernels); "after" is
 * registerWasmTrainingKernels(). PyTorch (Debian's python3-torch, scripts/torch-step.py) runs the
 * same architecture, batch and optimiser on all cores and on one; skipped, saying so, without it.
 *
 * Flags: --batch N (full network step, default 256), --cpu-batch N (CPU preset step, default 64),
 * --kernel-batch N (per-kernel table, default 64), --steps N (median of N, default 3), --warmup N,
 * --no-before (skip the slow shipped-kernel runs), --no-torch, --json FILE.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createVggSmall, PRESETS, registerWasmTrainingKernels } from '../src/index.js';
import { FAMILIES, makeStep, profileFamilies, timeSteps } from './step.js';
import { torchStep } from './torch-step.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    'cpu-batch': { type: 'string', default: '64' },
    'kernel-batch': { type: 'string', default: '64' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    'no-before': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const BATCH = Number(args.batch);
const CPU_BATCH = Number(args['cpu-batch']);
const KB = Number(args['kernel-batch']);
const STEPS = Number(args.steps);
const WARMUP = Number(args.warmup);

await tf.setBackend('wasm');
await tf.ready();
const backend = tf.backend() as unknown as {
  disposeData(id: tf.DataId): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
};

// ---------------------------------------------------------------------------------------------
// "before": the shipped kernels, plus a stand-in Conv2DBackpropFilter made of shipped kernels.
function shipped(
  name: string,
  inputs: tf.NamedTensorMap | Record<string, tf.TensorInfo>,
  attrs: object,
) {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`tfjs-backend-wasm has no ${name} kernel`);
  return k.kernelFunc({
    inputs: inputs as never,
    backend: backend as never,
    attrs: attrs as never,
  }) as tf.TensorInfo;
}

function standInFilterGrad({
  inputs,
  attrs,
}: {
  inputs: Record<string, tf.TensorInfo>;
  attrs: Record<string, unknown>;
}) {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const fs = attrs.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    fs,
    attrs.strides as number,
    1,
    attrs.pad as 'same',
    undefined,
    false,
    'channelsLast',
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('stand-in: stride 1 only');
  const {
    batchSize: B,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
    outChannels: F,
    filterHeight: KH,
    filterWidth: KW,
  } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const padded = shipped(
    'PadV2',
    { x },
    {
      paddings: [
        [0, 0],
        [pt, OH + KH - 1 - info.inHeight - pt],
        [pl, OW + KW - 1 - info.inWidth - pl],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const Q = B * OH * OW;
  const parts: tf.TensorInfo[] = [];
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const sl = shipped('Slice', { x: padded }, { begin: [0, kh, kw, 0], size: [B, OH, OW, C] });
      parts.push(
        shipped(
          'BatchMatMul',
          { a: { ...sl, shape: [1, Q, C] }, b: { ...dy, shape: [1, Q, F] } },
          { transposeA: true, transposeB: false },
        ),
      );
      backend.disposeData(sl.dataId);
    }
  }
  const out = shipped('Concat', parts as unknown as Record<string, tf.TensorInfo>, {
    axis: 0,
  });
  for (const p of [padded, ...parts]) backend.disposeData(p.dataId);
  return { ...out, shape: [KH, KW, C, F] };
}

function registerBefore(): () => void {
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: standInFilterGrad as never,
  });
  return () => tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
}
const MODES = {
  before: registerBefore,
  after: () => registerWasmTrainingKernels(),
} as const;
type Mode = keyof typeof MODES;
const modes: Mode[] = args['no-before'] ? ['after'] : ['before', 'after'];

// ---------------------------------------------------------------------------------------------
// Per kernel, on the full network's shapes at --kernel-batch.
interface KernelCase {
  kernel: string;
  shape: string;
  flops?: number;
  run: () => tf.Tensor | tf.Tensor[];
}
const owned: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => {
  owned.push(t);
  return t;
};
const rnd = (shape: number[]) => keep(tf.randomNormal(shape, 0, 1, 'float32', owned.length + 1));
const cases: KernelCase[] = [];
const convs: [number, number, number][] = [
  [28, 1, 64],
  [28, 64, 64],
  [14, 64, 128],
  [14, 128, 128],
  [7, 128, 256],
  [7, 256, 256],
];
for (const [H, C, F] of convs) {
  const x = rnd([KB, H, H, C]) as tf.Tensor4D;
  const w = rnd([3, 3, C, F]) as tf.Tensor4D;
  const dy = rnd([KB, H, H, F]) as tf.Tensor4D;
  const flops = 2 * KB * H * H * 9 * C * F;
  const shape = `${H}×${H}×${C}→${F}`;
  cases.push({
    kernel: 'Conv2D (forward, reference)',
    shape,
    flops,
    run: () => tf.conv2d(x, w, 1, 'same'),
  });
  cases.push({
    kernel: 'Conv2DBackpropFilter',
    shape,
    flops,
    run: () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, C, F] },
        ) as tf.Tensor,
  });
  if (C > 1)
    cases.push({
      kernel: 'Conv2DBackpropInput',
      shape,
      flops,
      run: () => tf.conv2dTranspose(dy, w, [KB, H, H, C], 1, 'same'),
    });
}
{
  const a = rnd([KB, 2048]);
  const w = rnd([2304, 2048]);
  const xin = rnd([KB, 2304]);
  cases.push({
    kernel: 'BatchMatMul (transposeB)',
    shape: `${KB}×2048 · (2304×2048)ᵀ`,
    flops: 2 * KB * 2048 * 2304,
    run: () => tf.matMul(a, w, false, true),
  });
  cases.push({
    kernel: 'BatchMatMul (transposeA)',
    shape: `(${KB}×2304)ᵀ · ${KB}×2048`,
    flops: 2 * KB * 2048 * 2304,
    run: () => tf.matMul(xin, a, true, false),
  });
  const act = rnd([KB, 28, 28, 64]);
  cases.push({
    kernel: 'Sum (axes 0,1,2)',
    shape: `${KB}×28×28×64`,
    run: () => tf.sum(act, [0, 1, 2]),
  });
  cases.push({
    kernel: 'Mean (axes 0,1,2)',
    shape: `${KB}×28×28×64`,
    run: () => tf.mean(act, [0, 1, 2]),
  });
  const v = rnd([1, 1, 1, 64]);
  cases.push({
    kernel: 'Tile',
    shape: `1×1×1×64 → ${KB}×28×28×64`,
    run: () => tf.tile(v, [KB, 28, 28, 1]),
  });
  cases.push({ kernel: 'Identity', shape: `${KB}×28×28×64`, run: () => tf.clone(act) });
  const pooled = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'));
  cases.push({ kernel: 'MaxPool + MaxPoolGrad', shape: `${KB}×28×28×64`, run: () => pooled(act) });
  const m = rnd([64]);
  const vr = keep(tf.add(tf.abs(rnd([64])), 0.5));
  const g = rnd([64]);
  const o = rnd([64]);
  const bnGrad = tf.grads(
    (t: tf.Tensor, mm: tf.Tensor, vv: tf.Tensor, gg: tf.Tensor, oo: tf.Tensor) =>
      tf.batchNorm(t as tf.Tensor4D, mm, vv, oo, gg, 1e-3),
  );
  cases.push({
    kernel: 'FusedBatchNorm gradient',
    shape: `${KB}×28×28×64`,
    run: () => bnGrad([act, m, vr, g, o]),
  });
}

const kernelMs: Record<Mode, number[]> = { before: [], after: [] };
for (const mode of modes) {
  const undo = MODES[mode]();
  for (const c of cases) {
    kernelMs[mode].push(timeSteps(() => tf.dispose(tf.tidy(() => c.run())), STEPS, 1));
  }
  undo();
}

// ---------------------------------------------------------------------------------------------
// Per step.
interface StepResult {
  ms: number;
  imagesPerS: number;
  families?: Map<string, number>;
  total?: number;
}
function runStep(
  preset: 'reference' | 'cpu',
  batch: number,
  mode: Mode,
  profile: boolean,
): Promise<StepResult> | StepResult {
  const undo = MODES[mode]();
  const model = createVggSmall(PRESETS[preset].model);
  const { step, dispose } = makeStep(model, batch);
  const ms = timeSteps(
    step,
    mode === 'before' && preset === 'reference' ? Math.min(STEPS, 2) : STEPS,
    WARMUP,
  );
  const done = (extra: object) => {
    dispose();
    model.dispose();
    undo();
    return { ms, imagesPerS: (batch / ms) * 1000, ...extra };
  };
  if (!profile) return done({});
  return profileFamilies(step).then(({ families, total }) => done({ families, total }));
}
const steps: Record<string, Partial<Record<Mode, StepResult>>> = { reference: {}, cpu: {} };
for (const mode of modes) {
  steps.reference![mode] = await runStep('reference', BATCH, mode, true);
  steps.cpu![mode] = await runStep('cpu', CPU_BATCH, mode, false);
}

// PyTorch, same architecture.
const torch = (preset: 'reference' | 'cpu', batch: number, threads: number) =>
  torchStep(preset, { batch, threads, steps: STEPS, warmup: WARMUP });
const cores = cpus().length;
const torchRuns = args['no-torch']
  ? {}
  : {
      referenceAll: torch('reference', BATCH, cores),
      referenceOne: torch('reference', BATCH, 1),
      cpuAll: torch('cpu', CPU_BATCH, cores),
      cpuOne: torch('cpu', CPU_BATCH, 1),
    };

// ---------------------------------------------------------------------------------------------
const f1 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(1));
const f0 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0));
console.log(`\n## Per kernel (full network's shapes, batch ${KB}; median of ${STEPS}, ms)\n`);
console.log(
  '| kernel | shape | before | after | speed-up | after GFLOP/s |\n|---|---|---:|---:|---:|---:|',
);
cases.forEach((c, i) => {
  const b = kernelMs.before[i];
  const a = kernelMs.after[i]!;
  console.log(
    `| ${c.kernel} | ${c.shape} | ${f1(b)} | ${f1(a)} | ${b === undefined ? '—' : `${(b / a).toFixed(1)}×`} | ${c.flops ? (c.flops / a / 1e6).toFixed(1) : ''} |`,
  );
});

console.log(`\n## Per step (median of ${STEPS}; before: at most 2)\n`);
console.log(
  '| network | batch | before | after | speed-up | images/s after | PyTorch, all cores | PyTorch, 1 core | after ÷ PyTorch (all / 1 core) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|',
);
for (const [name, preset, batch, all, one] of [
  [
    'full network (5,897,162 params)',
    'reference',
    BATCH,
    torchRuns.referenceAll,
    torchRuns.referenceOne,
  ],
  ['CPU preset (12/24/48, dense 256)', 'cpu', CPU_BATCH, torchRuns.cpuAll, torchRuns.cpuOne],
] as const) {
  const s = steps[preset]!;
  const a = s.after!;
  const b = s.before;
  console.log(
    `| ${name} | ${batch} | ${b ? `${f0(b.ms)} ms (${f1(b.imagesPerS)} img/s)` : '—'} | ${f0(a.ms)} ms | ${b ? `${(b.ms / a.ms).toFixed(2)}×` : '—'} | ${f1(a.imagesPerS)} | ` +
      `${all ? `${f0(all.step_ms)} ms (${f1(all.images_per_s)} img/s, ${all.threads} threads)` : '—'} | ${one ? `${f0(one.step_ms)} ms (${f1(one.images_per_s)} img/s)` : '—'} | ` +
      `${all && one ? `${(a.imagesPerS / all.images_per_s).toFixed(2)} / ${(a.imagesPerS / one.images_per_s).toFixed(2)}` : '—'} |`,
  );
}

console.log(
  `\n## Full network, one profiled step at batch ${BATCH}: kernel time per family (ms)\n`,
);
console.log('| kernel family | before | after |\n|---|---:|---:|');
for (const [family] of FAMILIES) {
  console.log(
    `| ${family} | ${f0(steps.reference!.before?.families?.get(family) ?? (steps.reference!.before ? 0 : undefined))} | ${f0(steps.reference!.after!.families?.get(family) ?? 0)} |`,
  );
}
console.log(
  `| **sum of kernels** | ${f0(steps.reference!.before?.total)} | ${f0(steps.reference!.after!.total)} |`,
);

tf.dispose(owned);
if (args.json) {
  const plain = (s?: StepResult) =>
    s && {
      ms: s.ms,
      imagesPerS: s.imagesPerS,
      families: s.families && Object.fromEntries(s.families),
    };
  writeFileSync(
    args.json,
    `${JSON.stringify(
      {
        machine: { cpus: cores, model: cpus()[0]?.model, node: process.version },
        batch: BATCH,
        cpuBatch: CPU_BATCH,
        kernelBatch: KB,
        steps: STEPS,
        kernels: cases.map((c, i) => ({
          kernel: c.kernel,
          shape: c.shape,
          beforeMs: kernelMs.before[i],
          afterMs: kernelMs.after[i],
        })),
        stepResults: Object.fromEntries(
          Object.entries(steps).map(([k, v]) => [
            k,
            { before: plain(v.before), after: plain(v.after) },
          ]),
        ),
        torch: torchRuns,
      },
      null,
      2,
    )}\n`,
  );
}
