/**
 * Data-parallel training speed: images/s of a training step (forward, backward, Adam) on the calling
 * thread and with 1..N worker threads, for the full network and the CPU preset, with PyTorch on all
 * cores and on one core in the same run; scaling efficiency and peak RSS. Each configuration runs in
 * its own process (so its peak RSS is its own), on tfjs-backend-wasm with registerWasmTrainingKernels().
 *
 *   flock /tmp/fmnist-bench.lock pnpm --filter @fmnist/vgg-small bench:parallel
 *   node --import tsx scripts/bench-parallel.ts --max-workers 4 --steps 5 --json out.json
 *
 * Flags: --max-workers N (default: the cores here), --batch N (full network, default 256),
 * --cpu-batch N (CPU preset, default 64), --steps N (median of N timed steps, default 3), --warmup N
 * (untimed steps first, default 1), --rounds N (run every configuration N times, round-robin, and
 * report each one's median round: this machine's speed drifts by ±20% over minutes, so
 * configurations timed minutes apart are not comparable; default 1), --no-full (CPU preset only),
 * --no-cpu (full network only),
 * --no-torch, --json FILE.
 * "N independent processes" is the ceiling of N-way data parallelism on this machine: N processes
 * started together, each stepping batch/N images on its main thread with no exchange at all; their
 * summed images/s is what N workers would reach if synchronisation and the gradient exchange were
 * free (so "÷ independent" is the trainer's own efficiency, apart from the hardware's).
 * "CPU ms per image" is the process's CPU time (every thread) per trained image: on a machine shared
 * with other jobs, images/s cannot show scaling, but equal CPU time per image for 1 and N workers
 * means N workers add no work, so N idle cores would give about N× the images/s.
 * Rows: "main thread" is `workers: 1` (today's path, no worker); "N workers" the data-parallel path
 * with every replica applying the averaged update ('all-apply'); "N workers, broadcast" has replica 0
 * apply it and the others copy its weights.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { torchStep } from './torch-step.js';

const { values: args } = parseArgs({
  options: {
    'max-workers': { type: 'string' },
    batch: { type: 'string', default: '256' },
    'cpu-batch': { type: 'string', default: '64' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
    'no-full': { type: 'boolean', default: false },
    'no-cpu': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    json: { type: 'string' },
    child: { type: 'string' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const STEPS = Number(args.steps);
const WARMUP = Number(args.warmup);

type Preset = 'reference' | 'cpu';
interface Config {
  preset: Preset;
  batch: number;
  /** 0: the calling thread (workers: 1); N: N worker threads. */
  workers: number;
  update: 'all-apply' | 'broadcast';
  /** Wall-clock time (ms since the epoch) to start stepping at: concurrent children start together. */
  startAt?: number;
}
interface Measured {
  stepMs: number;
  imagesPerS: number;
  peakRssMiB: number;
  startMs: number;
  /** CPU time (all threads of the process, user + system) per image over the timed steps. */
  cpuMsPerImage?: number;
}

// -------------------------------------------------------------------------------------------------
// Child: one configuration.
async function child(c: Config): Promise<Measured> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const { createVggSmall, PRESETS, registerWasmTrainingKernels } = await import('../src/index.js');
  const { resolveOptions } = await import('../src/train/options.js');
  const { createSingleThreadStepper } = await import('../src/train/single-thread-stepper.js');
  const { DataParallelTrainer } = await import('../src/parallel/trainer.js');
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  const model = createVggSmall(PRESETS[c.preset].model);
  // Synthetic images (seeded), four batches' worth, so steps gather different images.
  const count = c.batch * 4;
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < images.length; i++) images[i] = next();
  for (let i = 0; i < count; i++) labels[i] = Math.floor(next() * 10);
  const train = { images, labels, count };
  const o = resolveOptions(
    { batchSize: c.batch, validationSplit: 0, learningRate: 1e-3, workers: Math.max(1, c.workers) },
    'wasm',
  );
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const t0 = performance.now();
  const stepper =
    c.workers === 0
      ? createSingleThreadStepper(model, optimizer, train, [28, 28, 1], 10, o)
      : await DataParallelTrainer.create({
          model,
          optimizer,
          workers: c.workers,
          data: train,
          imageShape: [28, 28, 1],
          classes: 10,
          maxBatchSize: c.batch,
          seed: 1,
          update: c.update,
        });
  const startMs = performance.now() - t0;
  if (c.startAt !== undefined) {
    const wait = c.startAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const times: number[] = [];
  let cpu: NodeJS.CpuUsage | undefined;
  for (let i = 0; i < WARMUP + STEPS; i++) {
    if (i === WARMUP) cpu = process.cpuUsage();
    const indices = Uint32Array.from({ length: c.batch }, (_, j) => (i * c.batch + j) % count);
    const t = performance.now();
    await stepper.step({ epoch: 0, batch: i, indices, learningRate: 1e-3 });
    if (i >= WARMUP) times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  await stepper.dispose();
  times.sort((a, b) => a - b);
  const stepMs = times[Math.floor(times.length / 2)]!;
  return {
    stepMs,
    imagesPerS: (c.batch / stepMs) * 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    startMs,
    cpuMsPerImage: (used.user + used.system) / 1000 / (STEPS * c.batch),
  };
}

if (args.child) {
  const r = await child(JSON.parse(args.child) as Config);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

// -------------------------------------------------------------------------------------------------
// Parent: every configuration in its own process, then PyTorch, then the tables.
const cores = availableParallelism();
const maxWorkers = Number(args['max-workers'] ?? cores);
const childArgs = (c: Config) => [
  '--import',
  'tsx',
  fileURLToPath(import.meta.url),
  '--child',
  JSON.stringify(c),
  '--steps',
  String(STEPS),
  '--warmup',
  String(WARMUP),
];
function run(c: Config): Measured | undefined {
  const r = spawnSync(process.execPath, childArgs(c), {
    encoding: 'utf8',
    cwd: join(here, '..'),
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    console.error(
      `${JSON.stringify(c)} failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

/**
 * `copies` processes on their main thread, batch/copies images a step each, stepping together (they
 * wait for a common start time after their set-up): their summed images/s, the largest peak RSS.
 */
async function runIndependent(c: Config, copies: number): Promise<Measured | undefined> {
  const startAt = Date.now() + 10_000;
  const part = Math.floor(c.batch / copies);
  const one = (): Promise<Measured | undefined> =>
    new Promise((resolve) => {
      const cfg: Config = { ...c, batch: part, workers: 0, startAt };
      const p = spawn(process.execPath, childArgs(cfg), { cwd: join(here, '..') });
      let out = '';
      p.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      p.on('close', (code) => {
        resolve(code === 0 ? (JSON.parse(out.trim().split('\n').pop()!) as Measured) : undefined);
      });
    });
  const all = await Promise.all(Array.from({ length: copies }, one));
  if (all.some((m) => !m)) return undefined;
  const ms = all as Measured[];
  const imagesPerS = ms.reduce((t, m) => t + m.imagesPerS, 0);
  return {
    stepMs: Math.max(...ms.map((m) => m.stepMs)),
    imagesPerS,
    peakRssMiB: Math.max(...ms.map((m) => m.peakRssMiB)),
    startMs: 0,
  };
}

/** The measurement of median images/s among rounds (undefined rounds, failures, are left out). */
function medianRound(ms: (Measured | undefined)[]): Measured | undefined {
  const ok = ms.filter((m): m is Measured => m !== undefined);
  ok.sort((a, b) => a.imagesPerS - b.imagesPerS);
  return ok[Math.floor((ok.length - 1) / 2)];
}

const torch = (preset: Preset, batch: number, threads: number) =>
  torchStep(preset, { batch, threads, steps: STEPS, warmup: WARMUP });

const networks: { name: string; preset: Preset; batch: number }[] = [
  ...(args['no-full']
    ? []
    : [
        {
          name: 'full network (5,897,162 params)',
          preset: 'reference' as const,
          batch: Number(args.batch),
        },
      ]),
  ...(args['no-cpu']
    ? []
    : [
        {
          name: 'CPU preset (12/24/48, dense 256)',
          preset: 'cpu' as const,
          batch: Number(args['cpu-batch']),
        },
      ]),
];
const started = new Date();
const results: Record<string, unknown>[] = [];
const f1 = (v: number) => v.toFixed(1);
const ROUNDS = Math.max(1, Number(args.rounds));
for (const net of networks) {
  interface Row {
    label: string;
    workers: number;
    measure: () => Promise<Measured | undefined>;
    rounds: (Measured | undefined)[];
    m?: Measured | undefined;
  }
  const plan: Row[] = [];
  const add = (label: string, workers: number, update: Config['update']) =>
    plan.push({
      label,
      workers,
      rounds: [],
      measure: async () => run({ preset: net.preset, batch: net.batch, workers, update }),
    });
  add('main thread (workers: 1)', 0, 'all-apply');
  for (let n = 1; n <= maxWorkers; n++) add(`${n} worker${n > 1 ? 's' : ''}`, n, 'all-apply');
  if (maxWorkers > 1) add(`${maxWorkers} workers, broadcast`, maxWorkers, 'broadcast');
  for (let n = 2; n <= maxWorkers; n++) {
    plan.push({
      label: `${n} independent processes (batch ${Math.floor(net.batch / n)} each, no exchange)`,
      workers: -n,
      rounds: [],
      measure: () =>
        runIndependent(
          { preset: net.preset, batch: net.batch, workers: 0, update: 'all-apply' },
          n,
        ),
    });
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const row of plan) {
      const m = await row.measure();
      row.rounds.push(m);
      console.error(
        `${net.preset} ${row.label}${ROUNDS > 1 ? ` (round ${r + 1}/${ROUNDS})` : ''}: ${m ? `${f1(m.imagesPerS)} img/s` : 'failed'}`,
      );
    }
  }
  for (const row of plan) row.m = medianRound(row.rounds);
  const rows = plan;
  const all = args['no-torch'] ? undefined : torch(net.preset, net.batch, cores);
  const one = args['no-torch'] ? undefined : torch(net.preset, net.batch, 1);
  const base = rows[0]!.m?.imagesPerS;
  console.log(
    `\n## ${net.name}, batch ${net.batch} (median of ${STEPS} steps after ${WARMUP} warm-up` +
      `${ROUNDS > 1 ? `; the median of ${ROUNDS} rounds, run round-robin` : ''})\n`,
  );
  console.log(
    '| configuration | step | images/s | × main thread | scaling efficiency | ÷ PyTorch all cores | ÷ PyTorch 1 core | peak RSS | start | CPU ms per image |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { label, workers, m } of rows) {
    if (!m) {
      console.log(`| ${label} | failed | | | | | | | |`);
      continue;
    }
    const speedUp = base ? m.imagesPerS / base : Number.NaN;
    console.log(
      `| ${label} | ${m.stepMs.toFixed(0)} ms | ${f1(m.imagesPerS)} | ${speedUp.toFixed(2)}× | ${workers !== 0 ? `${((speedUp / Math.abs(workers)) * 100).toFixed(0)}%` : '—'} | ` +
        `${all ? `${(m.imagesPerS / all.images_per_s).toFixed(2)}×` : '—'} | ${one ? `${(m.imagesPerS / one.images_per_s).toFixed(2)}×` : '—'} | ` +
        `${m.peakRssMiB.toFixed(0)} MiB${workers < 0 ? ' each' : ''} | ${workers > 0 ? `${(m.startMs / 1000).toFixed(1)} s` : '—'} | ` +
        `${m.cpuMsPerImage === undefined ? '—' : m.cpuMsPerImage.toFixed(1)} |`,
    );
  }
  if (all)
    console.log(
      `| PyTorch, ${all.threads} threads | ${all.step_ms.toFixed(0)} ms | ${f1(all.images_per_s)} | | | 1.00× | | | |`,
    );
  if (one)
    console.log(
      `| PyTorch, 1 thread | ${one.step_ms.toFixed(0)} ms | ${f1(one.images_per_s)} | | | | 1.00× | | |`,
    );
  const two = rows.find((r) => r.workers === 2)?.m;
  const ceiling = rows.find((r) => r.workers === -2)?.m;
  if (two && base) {
    console.log(
      `\n2 workers ÷ main thread: ${(two.imagesPerS / base).toFixed(2)}× (goal ≥ 1.7×)` +
        (ceiling
          ? `; 2 independent processes ÷ main thread: ${(ceiling.imagesPerS / base).toFixed(2)}× ` +
            `(this machine's ceiling); 2 workers ÷ that ceiling: ${(two.imagesPerS / ceiling.imagesPerS).toFixed(2)}×`
          : '') +
        (all
          ? `; best ÷ PyTorch all cores: ${(Math.max(...rows.map((r) => r.m?.imagesPerS ?? 0)) / all.images_per_s).toFixed(2)}×`
          : ''),
    );
  }
  results.push({
    ...net,
    rows: rows.map(({ label, workers, m, rounds }) => ({ label, workers, m, rounds })),
    torchAll: all,
    torchOne: one,
  });
}
console.log(
  `\n${cores} cores (${cpus()[0]?.model}), Node ${process.version}, started ${started.toISOString()}; ` +
    'a shared machine: figures are noisy.',
);
if (args.json) {
  writeFileSync(
    args.json,
    `${JSON.stringify({ started, cores, steps: STEPS, results }, null, 2)}\n`,
  );
}
