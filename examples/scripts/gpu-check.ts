/**
 * The GPU check: which WebGPU adapter TensorFlow.js gets here (or exactly why none), then on it
 * KNN on the full test set (time, accuracy), the full network's training images/s at batch 256 and
 * inference images/s, each against tfjs-backend-wasm on one core of the same machine, and PyTorch
 * on the same GPU for the same network (gpu-check-torch.py) as the anchor.
 *
 *   pnpm --filter @fmnist/examples exec tsx scripts/gpu-check.ts [--out gpu-check.json]
 *
 * On a machine without Node or network, run the packed copy instead (gpu-check.sh, gpu-check-pack.sh;
 * see examples/README.md, "GPU check"). Prints a table and writes the figures as JSON (`--out`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BackendSelection, BenchError, selectBackend } from '@fmnist/bench';
import type { WebGpuAdapterInfo } from '@fmnist/bench/webgpu';
import { loadFashionMnist, type Split } from '@fmnist/data';
import { KNeighborsClassifier } from '@fmnist/knn';
import {
  countParams,
  createVggSmall,
  predictProbabilities,
  registerWasmTrainingKernels,
  trainVggSmall,
} from '@fmnist/vgg-small';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The packages selectBackend imports, named statically so that the packed (bundled) copy holds them;
 * each is still evaluated only when selectBackend asks, after `navigator.gpu` is set.
 */
const MODULES: Record<string, () => Promise<unknown>> = {
  webgpu: () => import('webgpu'),
  '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
  '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
};
const importModule = async (spec: string): Promise<unknown> => {
  const load = MODULES[spec];
  if (!load) {
    throw Object.assign(new Error(`Cannot find package '${spec}' (not packed)`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  }
  return load();
};

const HELP = `gpu-check: WebGPU (Dawn) against wasm on one core and PyTorch, on this machine.

  --out FILE            also write the figures as JSON (atomically)
  --batch-size N        training batch (default 256)
  --train-steps N       timed training steps on webgpu (default 10; one untimed step first)
  --wasm-train-steps N  timed training steps on wasm (default 1; it is slow)
  --knn-queries N       KNN test queries (default 10000, the full test set)
  --wasm-knn-queries N  KNN test queries on wasm (default 10000)
  --infer-images N      inference images on webgpu (default 10000); --wasm-infer-images N (2560)
  --skip-wasm           no wasm rows      --skip-torch   no PyTorch row
  --python CMD          Python with PyTorch (default python3)
  -h, --help

Environment: FMNIST_DATA_DIR (the dataset), VK_ICD_FILENAMES / FMNIST_VULKAN_ICD (a Vulkan
driver manifest), FMNIST_WASM_DIR (tfjs-backend-wasm's .wasm files, for the packed copy).`;

interface Row {
  backend: string;
  knn?: { queries: number; seconds: number; accuracy: number; engine: string };
  train?: { batchSize: number; steps: number; imagesPerSecond: number; loss: number };
  infer?: { images: number; imagesPerSecond: number };
  error?: string;
}

interface TorchRow {
  device?: string;
  torch?: string;
  train_images_per_s?: number;
  infer_images_per_s?: number;
  error?: string;
}

function firstN(split: Split, n: number): Split {
  const m = Math.min(n, split.count);
  return {
    ...split,
    images: split.images.subarray(0, m * 784),
    labels: split.labels.subarray(0, m),
    count: m,
  };
}

async function knnRow(train: Split, test: Split, gpu: boolean): Promise<NonNullable<Row['knn']>> {
  const knn = new KNeighborsClassifier({ k: 5, engine: gpu ? 'tfjs' : 'auto', threads: 1 });
  knn.fit({ data: train.images, shape: [train.count, 784] }, train.labels);
  await knn.prepare();
  const t0 = performance.now();
  const pred = await knn.predict({ data: test.images, shape: [test.count, 784] });
  const seconds = (performance.now() - t0) / 1000;
  let right = 0;
  for (let i = 0; i < test.count; i++) if (pred[i] === test.labels[i]) right++;
  const engine = knn.engineInfo?.engine ?? '?';
  knn.dispose();
  return { queries: test.count, seconds, accuracy: right / test.count, engine };
}

async function trainRow(
  train: Split,
  batchSize: number,
  steps: number,
): Promise<NonNullable<Row['train']>> {
  const model = createVggSmall();
  const data = firstN(train, batchSize * (steps + 1));
  const ends: number[] = [];
  let loss = Number.NaN;
  await trainVggSmall(model, data, {
    epochs: 1,
    batchSize,
    validationSplit: 0,
    augment: false,
    onBatchEnd: (_b, logs) => {
      ends.push(performance.now());
      loss = logs.loss;
    },
  });
  model.dispose();
  // The first step compiles the kernels (and, on WebGPU, the shaders): timed from its end.
  const timed = ends.length - 1;
  const seconds = (ends[ends.length - 1]! - ends[0]!) / 1000;
  return { batchSize, steps: timed, imagesPerSecond: (batchSize * timed) / seconds, loss };
}

async function inferRow(test: Split, batchSize: number): Promise<NonNullable<Row['infer']>> {
  const model = createVggSmall();
  await predictProbabilities(model, test.images.subarray(0, batchSize * 784), { batchSize });
  const t0 = performance.now();
  await predictProbabilities(model, test.images, { batchSize });
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return { images: test.count, imagesPerSecond: test.count / seconds };
}

function torchRow(python: string, batchSize: number): TorchRow {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'gpu-check-torch.py');
  const torchScript = existsSync(script) ? script : join(process.cwd(), 'gpu-check-torch.py');
  const r = spawnSync(python, [torchScript, '--batch-size', String(batchSize)], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.error) return { error: `${python}: ${r.error.message}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as TorchRow;
  } catch {
    return { error: `${python} ${torchScript} printed no JSON: ${r.stderr.trim().slice(-300)}` };
  }
}

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? '—'
    : v.toLocaleString('en', { maximumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined) =>
  a && b ? `${a / b >= 10 ? (a / b).toFixed(0) : (a / b).toPrecision(2)}×` : '—';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'batch-size': { type: 'string', default: '256' },
      'train-steps': { type: 'string', default: '10' },
      'wasm-train-steps': { type: 'string', default: '1' },
      'knn-queries': { type: 'string', default: '10000' },
      'wasm-knn-queries': { type: 'string', default: '10000' },
      'infer-images': { type: 'string', default: '10000' },
      'wasm-infer-images': { type: 'string', default: '2560' },
      'skip-wasm': { type: 'boolean', default: false },
      'skip-torch': { type: 'boolean', default: false },
      python: { type: 'string', default: 'python3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const int = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer.`);
    return n;
  };
  const batchSize = int('batch-size');
  const say = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

  if (process.env.FMNIST_WASM_DIR)
    setWasmPaths(`${process.env.FMNIST_WASM_DIR.replace(/\/?$/, '/')}`);
  const data = await loadFashionMnist();
  say(`data: ${data.train.count} training and ${data.test.count} test images`);
  const report: {
    date: string;
    machine: { cpu: string; cores: number; os: string; node: string };
    adapter?: WebGpuAdapterInfo;
    adapterError?: string;
    rows: Row[];
    torch?: TorchRow;
    params: number;
  } = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? '?',
      cores: cpus().length,
      os: `${platform()} ${release()}`,
      node: process.version,
    },
    rows: [],
    params: 0,
  };

  let selection: BackendSelection | undefined;
  try {
    selection = await selectBackend({ tf, prefer: 'webgpu', importModule });
    report.adapter = selection.adapter;
    const a = selection.adapter!;
    say(
      `WebGPU adapter: ${a.vendor} ${a.architecture} · ${a.device} · ${a.description} · ${a.kind} · driver ${a.driver}`,
    );
  } catch (err) {
    report.adapterError = BenchError.isInstance(err) ? err.message : String(err);
    say(`no WebGPU adapter:\n${report.adapterError}`);
  }

  const measure = async (backend: string, gpu: boolean) => {
    const row: Row = { backend };
    report.rows.push(row);
    try {
      if (!gpu) {
        await selectBackend({ tf, prefer: 'wasm', importModule });
        registerWasmTrainingKernels();
      }
      if (!report.params) {
        const m = createVggSmall();
        report.params = countParams(m).total;
        m.dispose();
      }
      const knnQueries = int(gpu ? 'knn-queries' : 'wasm-knn-queries');
      row.knn = await knnRow(data.train, firstN(data.test, knnQueries), gpu);
      say(
        `${backend}: KNN ${row.knn.queries} queries in ${row.knn.seconds.toFixed(2)} s, ${(row.knn.accuracy * 100).toFixed(2)}%`,
      );
      row.train = await trainRow(
        data.train,
        batchSize,
        int(gpu ? 'train-steps' : 'wasm-train-steps'),
      );
      say(
        `${backend}: training ${row.train.imagesPerSecond.toFixed(1)} images/s (batch ${batchSize})`,
      );
      row.infer = await inferRow(
        firstN(data.test, int(gpu ? 'infer-images' : 'wasm-infer-images')),
        batchSize,
      );
      say(`${backend}: inference ${row.infer.imagesPerSecond.toFixed(1)} images/s`);
    } catch (err) {
      row.error = err instanceof Error ? err.message : String(err);
      say(`${backend}: failed: ${row.error}`);
    }
    return row;
  };

  const gpuRow = selection ? await measure('webgpu', true) : undefined;
  const wasmRow = values['skip-wasm'] ? undefined : await measure('wasm (1 core)', false);
  if (!values['skip-torch']) {
    report.torch = torchRow(values.python!, batchSize);
    say(`PyTorch: ${JSON.stringify(report.torch)}`);
  }

  const t = report.torch;
  const lines = [
    '',
    `| figure | webgpu | wasm, 1 core | PyTorch ${t?.device ?? ''} | webgpu / wasm | webgpu / PyTorch |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| KNN, ${gpuRow?.knn?.queries ?? wasmRow?.knn?.queries ?? '?'} queries: seconds | ${fmt(gpuRow?.knn?.seconds, 2)} | ${fmt(wasmRow?.knn?.seconds, 2)} | — | ${ratio(wasmRow?.knn?.seconds, gpuRow?.knn?.seconds)} faster | — |`,
    `| KNN accuracy | ${fmt((gpuRow?.knn?.accuracy ?? Number.NaN) * 100, 2)}% | ${fmt((wasmRow?.knn?.accuracy ?? Number.NaN) * 100, 2)}% | — | — | — |`,
    `| training images/s, batch ${batchSize} | ${fmt(gpuRow?.train?.imagesPerSecond, 1)} | ${fmt(wasmRow?.train?.imagesPerSecond, 1)} | ${fmt(t?.train_images_per_s, 1)} | ${ratio(gpuRow?.train?.imagesPerSecond, wasmRow?.train?.imagesPerSecond)} | ${ratio(gpuRow?.train?.imagesPerSecond, t?.train_images_per_s)} |`,
    `| inference images/s | ${fmt(gpuRow?.infer?.imagesPerSecond, 1)} | ${fmt(wasmRow?.infer?.imagesPerSecond, 1)} | ${fmt(t?.infer_images_per_s, 1)} | ${ratio(gpuRow?.infer?.imagesPerSecond, wasmRow?.infer?.imagesPerSecond)} | ${ratio(gpuRow?.infer?.imagesPerSecond, t?.infer_images_per_s)} |`,
    '',
    `Network: ${report.params.toLocaleString('en')} parameters. Goal: training ≥ 20× wasm on one core; moonshot: within 2× of PyTorch.`,
  ];
  const gi = gpuRow?.train?.imagesPerSecond;
  if (gi) {
    const seedHours = 5_400_000 / gi / 3600;
    lines.push(
      `The seed preset's 50 epochs (5.4 million images) would take ${seedHours.toFixed(2)} h at this rate.`,
    );
  }
  console.log(lines.join('\n'));

  if (values.out) {
    const tmp = `${values.out}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
    await rename(tmp, values.out);
    say(`wrote ${values.out}`);
  }
  return selection ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
