/**
 * Benchmark (not a test): full Fashion-MNIST prediction, 60,000 training × 10,000 test images ×
 * 784 pixels, k = 5, uniform weights, euclidean, with this package's engines and, where a Python
 * with scikit-learn is found, scikit-learn's brute-force KNeighborsClassifier on the same arrays,
 * in one run. Every measurement runs in a fresh child process, so its peak RSS is its own.
 *
 *   pnpm --filter @fmnist/knn run bench                 # pruned (all cores, 1 thread), brute, tfjs-wasm, sklearn
 *   ... bench --engines pruned,pruned-f32               # pruned-f32: pixels / 255 as float32
 *   pnpm --filter @fmnist/knn run bench --repeat 5 --engines pruned,brute --sklearn-dtypes float64,float32
 *
 * On a shared machine, run it under the bench lock: flock /tmp/fmnist-bench.lock pnpm ... bench
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@fmnist/data';
import {
  findSklearnPython,
  runSklearnKnn,
  type SklearnKnnOptions,
  SklearnNotFoundError,
} from '../src/sklearn.js';
import { pythonEnv } from './python-env.js';

type SklearnDtype = NonNullable<SklearnKnnOptions['dtype']>;

interface ChildResult {
  label: string;
  engine: string;
  threads: number;
  seconds: number;
  indexSeconds: number;
  correct: number;
  total: number;
  peakRssMb: number;
  exactPerQuery?: number;
  queries: number;
}

const self = fileURLToPath(import.meta.url);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

/** One measurement, in this (child) process: fit + predict timed, peak RSS from the kernel. */
async function child(
  engine: string,
  threads: number,
  queries: number,
  scaled: boolean,
): Promise<void> {
  const { KNeighborsClassifier } = await import('../src/node.js');
  const tf = await import('@tensorflow/tfjs-core');
  if (engine === 'tfjs') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
  }
  const ds = await loadFashionMnist();
  const m = Math.min(queries, ds.test.count);
  // --scaled: pixels / 255 as float32 (what a CNN pipeline feeds), the float path of the engines.
  const prep = (u: Uint8Array) => (scaled ? Float32Array.from(u, (v) => v / 255) : u);
  const trainX = prep(ds.train.images);
  const testX = prep(ds.test.images.subarray(0, m * 784));
  const t0 = performance.now();
  const knn = new KNeighborsClassifier({
    k: 5,
    engine: engine as 'pruned',
    ...(threads > 0 ? { threads } : {}),
  }).fit({ data: trainX, shape: [ds.train.count, 784] }, ds.train.labels);
  const pred = await knn.predict({ data: testX, shape: [m, 784] });
  const seconds = (performance.now() - t0) / 1000;
  let correct = 0;
  for (let i = 0; i < m; i++) if (pred[i] === ds.test.labels[i]) correct++;
  const info = knn.engineInfo;
  knn.dispose();
  const result: ChildResult = {
    label: '',
    engine: info?.engine ?? engine,
    threads: info?.threads ?? 1,
    seconds,
    indexSeconds: info?.indexSeconds ?? 0,
    correct,
    total: m,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    exactPerQuery: info?.pruneStats ? info.pruneStats.exact / info.pruneStats.queries : undefined,
    queries: m,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function runChild(engine: string, threads: number, queries: number): ChildResult {
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      self,
      '--child',
      engine,
      '--threads',
      String(threads),
      '--queries',
      String(queries),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`child ${engine} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1) as string;
  return JSON.parse(line) as ChildResult;
}

interface SklearnResult {
  dtype: string;
  seconds: number;
  correct: number;
  peakRssMb: number;
  version: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const repeat = Number(arg('repeat', '3'));
  const engines = arg('engines', 'pruned,pruned-1,brute,tfjs-wasm').split(',').filter(Boolean);
  const dtypes = arg('sklearn-dtypes', 'float64').split(',').filter(Boolean);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Fashion-MNIST: 60,000 train × 10,000 test × 784, k=5, uniform, euclidean (squared ranking)\n` +
      `machine: ${availableParallelism()} cores (${cpu}), Node ${process.version}; load average at start ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n` +
      `each figure: fit + predict wall time in a fresh child process (median of ${repeat} where repeated), peak RSS of that process\n`,
  );
  const ds = await loadFashionMnist();
  const rows: { name: string; r: ChildResult; all: number[] }[] = [];
  for (const e of engines) {
    const scaled = e.endsWith('-f32');
    const [engine, threads, queries, reps] =
      e === 'pruned' || e === 'pruned-f32'
        ? ['pruned', 0, 10_000, repeat]
        : e === 'pruned-1'
          ? ['pruned', 1, 10_000, repeat]
          : e === 'brute'
            ? ['brute', 0, 10_000, 1]
            : e === 'tfjs-wasm'
              ? ['tfjs', 0, 10_000, 1]
              : e === 'js'
                ? ['js', 0, 500, 1]
                : [e, 0, 10_000, 1];
    const all: ChildResult[] = [];
    for (let i = 0; i < (reps as number); i++)
      all.push(runChild(engine as string, threads as number, queries as number));
    const times = all.map((r) => r.seconds);
    const best = all.find((r) => r.seconds === median(times)) ?? all[0];
    const name =
      engine === 'tfjs'
        ? 'tfjs (wasm backend)'
        : `${engine}${e === 'pruned' ? ' (default)' : ''}${scaled ? ', float /255' : ''}`;
    rows.push({ name, r: { ...best, seconds: median(times) }, all: times });
    process.stderr.write(`${name}: ${times.map((t) => t.toFixed(2)).join(', ')} s\n`);
  }

  const sk: SklearnResult[] = [];
  const python = await findSklearnPython().catch((e: unknown) => {
    if (SklearnNotFoundError.isInstance(e)) return undefined;
    throw e;
  });
  if (python) {
    const train = { data: ds.train.images, shape: [ds.train.count, 784] } as const;
    const test = { data: ds.test.images, shape: [ds.test.count, 784] } as const;
    for (const dtype of dtypes as SklearnDtype[]) {
      const times: number[] = [];
      let last: SklearnResult | undefined;
      const reps = dtype === 'uint8' ? 1 : repeat;
      for (let i = 0; i < reps; i++) {
        const r = await runSklearnKnn({
          train,
          labels: ds.train.labels,
          test,
          dtype,
          pythons: [python],
          env: pythonEnv(),
        });
        let correct = 0;
        for (let q = 0; q < r.predictions.length; q++)
          if (r.predictions[q] === ds.test.labels[q]) correct++;
        times.push(r.fitSeconds + r.predictSeconds);
        last = { dtype, seconds: 0, correct, peakRssMb: r.peakRssMb, version: r.sklearnVersion };
      }
      process.stderr.write(`sklearn ${dtype}: ${times.map((t) => t.toFixed(2)).join(', ')} s\n`);
      sk.push({ ...(last as SklearnResult), seconds: median(times) });
    }
  } else {
    console.log(
      'scikit-learn: not found (set FMNIST_PYTHON or install python3-sklearn); only this package is timed.\n',
    );
  }

  const ref = sk.find((s) => s.dtype === 'float64') ?? sk[0];
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad('implementation', 36)}${pad('threads', 9)}${pad('time s', 9)}${pad('index s', 9)}${pad('correct', 13)}${pad('accuracy', 10)}${pad('peak RSS MB', 13)}vs scikit-learn`,
  );
  for (const { name, r } of rows) {
    const extrapolated = r.queries < 10_000;
    const t = extrapolated ? (r.seconds * 10_000) / r.queries : r.seconds;
    const ratio = ref ? ref.seconds / t : undefined;
    console.log(
      `${pad(`@fmnist/knn ${name}`, 36)}${pad(String(r.threads), 9)}${pad(`${t.toFixed(2)}${extrapolated ? '*' : ''}`, 9)}${pad(r.indexSeconds.toFixed(2), 9)}${pad(`${r.correct}/${r.total}`, 13)}${pad(`${((100 * r.correct) / r.total).toFixed(2)}%`, 10)}${pad(r.peakRssMb.toFixed(0), 13)}${ratio === undefined ? '' : ratio >= 1 ? `${ratio.toFixed(2)}× faster` : `${(1 / ratio).toFixed(2)}× slower`}${r.exactPerQuery ? `  (${r.exactPerQuery.toFixed(0)} exact distances/query)` : ''}`,
    );
  }
  for (const s of sk) {
    console.log(
      `${pad(`scikit-learn ${s.version} brute (${s.dtype})`, 36)}${pad('-1 (all)', 9)}${pad(s.seconds.toFixed(2), 9)}${pad('-', 9)}${pad(`${s.correct}/10000`, 13)}${pad(`${(s.correct / 100).toFixed(2)}%`, 10)}${pad(s.peakRssMb.toFixed(0), 13)}${s === ref ? 'reference' : ''}`,
    );
  }
  if (rows.some(({ r }) => r.queries < 10_000))
    console.log('* extrapolated from the first queries (slow engine)');
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) {
  await child(
    process.argv[ci + 1],
    Number(arg('threads', '0')),
    Number(arg('queries', '10000')),
    process.argv.includes('--scaled'),
  );
} else {
  await main();
}
