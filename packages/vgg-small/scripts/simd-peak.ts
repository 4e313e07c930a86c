/**
 * The per-core ceiling of WebAssembly training here: the engine's peak f32x4 multiply-and-add rate
 * (assembly/simd-peak.ts; WebAssembly SIMD is 128 bits wide and has no fused multiply-add) against
 * native code's (PyTorch's 2048×2048 product on one thread: 256-bit AVX2 with FMA), and the full
 * network's six forward convolutions on tfjs-backend-wasm (XNNPACK) against PyTorch on one thread.
 *
 *   flock /tmp/fmnist-bench.lock pnpm --filter @fmnist/vgg-small bench:simd-peak [--batch 128] [--rounds 3]
 *
 * The three measurements run in turn, --rounds times, and each figure is its median round.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { ASC_COMMON_FLAGS, compileAssemblyScript } from '../../../wasm.base.js';
import { timeSteps } from './step.js';
import { torchEnv } from './torch-step.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '3' },
  },
});
const batch = Number(args.batch);
const ROUNDS = Math.max(1, Number(args.rounds));
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// 1. The engine's peak: 12 chains × (mul + add) × 4 lanes per iteration.
const bytes = await compileAssemblyScript([
  join(root, 'assembly', 'simd-peak.ts'),
  ...ASC_COMMON_FLAGS,
]);
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
const peak = instance.exports.peak as (iters: number, seed: number) => number;
peak(1e6, 0.5);
const ITERS = 1e8;
const wasmPeakGflops = () => (ITERS * 96) / (timeSteps(() => peak(ITERS, 0.5), 3, 0) / 1000) / 1e9;

// 2. The full network's forward convolutions (3×3, 'same'), on tfjs-backend-wasm.
const layers = [
  { size: 28, c: 1, f: 64 },
  { size: 28, c: 64, f: 64 },
  { size: 14, c: 64, f: 128 },
  { size: 14, c: 128, f: 128 },
  { size: 7, c: 128, f: 256 },
  { size: 7, c: 256, f: 256 },
].map((l) => ({ ...l, batch, gflop: (2 * batch * l.size * l.size * 9 * l.c * l.f) / 1e9 }));
await tf.setBackend('wasm');
const wasmConvMs = () =>
  layers.map((l) => {
    const x = tf.randomNormal<tf.Rank.R4>([l.batch, l.size, l.size, l.c]);
    const w = tf.randomNormal<tf.Rank.R4>([3, 3, l.c, l.f]);
    const ms = timeSteps(
      () => {
        const y = tf.conv2d(x, w, 1, 'same');
        y.dataSync(); // outside tf.tidy, which would walk the returned array element by element
        y.dispose();
      },
      3,
      1,
    );
    tf.dispose([x, w]);
    return ms;
  });

// 3. Native: PyTorch on one thread.
interface Native {
  mm_gflops: number;
  conv_ms: number[];
}
const nativeRates = (): Native | undefined => {
  const py = spawnSync(
    '/usr/bin/python3',
    [join(root, 'scripts', 'simd-peak.py'), JSON.stringify(layers)],
    { encoding: 'utf8', env: torchEnv() },
  );
  if (py.status === 0) return JSON.parse(py.stdout.trim().split('\n').pop()!) as Native;
  console.error(
    `PyTorch skipped: ${py.stderr.trim().split('\n').pop()} (apt-get install -y python3-torch)`,
  );
  return undefined;
};

// This machine's speed drifts by ±20-30% over minutes: measure all three in turn, ROUNDS times, and
// keep each figure's median round.
const rounds: { peak: number; wasm: number[]; native: Native | undefined }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  rounds.push({ peak: wasmPeakGflops(), wasm: wasmConvMs(), native: nativeRates() });
  console.error(`round ${r + 1}/${ROUNDS} done`);
}
const wasmPeak = median(rounds.map((r) => r.peak));
const wasmMs = layers.map((_, i) => median(rounds.map((r) => r.wasm[i]!)));
const natives = rounds.flatMap((r) => (r.native ? [r.native] : []));
const native: Native | undefined =
  natives.length === rounds.length
    ? {
        mm_gflops: median(natives.map((n) => n.mm_gflops)),
        conv_ms: layers.map((_, i) => median(natives.map((n) => n.conv_ms[i]!))),
      }
    : undefined;

const f1 = (v: number) => v.toFixed(1);
console.log(
  `\n| one core | WebAssembly (V8, SIMD128) | native (PyTorch, AVX2 + FMA) | wasm ÷ native |`,
);
console.log('|---|---:|---:|---:|');
console.log(
  `| peak multiply-add rate | ${f1(wasmPeak)} GFLOP/s (mul + add, 12 chains) | ${native ? `${f1(native.mm_gflops)} GFLOP/s (2048² product)` : '—'} | ${native ? `${(wasmPeak / native.mm_gflops).toFixed(2)}×` : '—'} |`,
);
let wasmTotal = 0;
let nativeTotal = 0;
layers.forEach((l, i) => {
  const w = wasmMs[i]!;
  const n = native?.conv_ms[i];
  wasmTotal += w;
  nativeTotal += n ?? 0;
  console.log(
    `| conv ${l.size}×${l.size}, ${l.c}→${l.f}, batch ${l.batch} | ${f1(w)} ms, ${f1(l.gflop / (w / 1000))} GFLOP/s | ${n === undefined ? '—' : `${f1(n)} ms, ${f1(l.gflop / (n / 1000))} GFLOP/s`} | ${n === undefined ? '—' : `${(n / w).toFixed(2)}×`} |`,
  );
});
const gflop = layers.reduce((s, l) => s + l.gflop, 0);
console.log(
  `| the six forward convolutions | ${f1(wasmTotal)} ms, ${f1(gflop / (wasmTotal / 1000))} GFLOP/s (${Math.round((100 * gflop) / (wasmTotal / 1000) / wasmPeak)}% of the wasm peak) | ${native ? `${f1(nativeTotal)} ms, ${f1(gflop / (nativeTotal / 1000))} GFLOP/s (${Math.round((100 * gflop) / (nativeTotal / 1000) / native.mm_gflops)}% of its peak)` : '—'} | ${native ? `${(nativeTotal / wasmTotal).toFixed(2)}×` : '—'} |`,
);
if (native) {
  const byRound = rounds.map((r) => (r.native ? (r.peak / r.native.mm_gflops).toFixed(2) : '—'));
  console.log(`\nwasm ÷ native peak, round by round: ${byRound.join(', ')}`);
}
console.log(`\n${tf.getBackend()} backend, Node ${process.version}, ${new Date().toISOString()}`);
