/**
 * Benchmark (not a test) across data sets, in one run: this package (engine `auto` unless
 * `--engine` says otherwise) against scikit-learn's brute-force KNeighborsClassifier and, where
 * Debian's python3-faiss is installed, faiss's IndexFlatL2, k = 5, uniform weights, euclidean.
 * Every measurement runs in a fresh child process on the same arrays (.npy files), so its peak
 * RSS is its own; time is fit + predict wall clock.
 *
 *   Fashion-MNIST uint8            60,000 × 784, 10,000 queries
 *   Fashion-MNIST / 255 (float32)  the same pixels as floats
 *   Gaussian float32               50,000 × 256, 2,000 queries (N(0, 1), seed 1)
 *   clustered float32              300,000 × 64, 5,000 queries (100 centres N(0, 3²), points ± N(0, 1))
 *                                  also with memoryBudgetBytes = 16 MiB
 *   scikit-learn digits            1,500 × 64, 297 queries (times: the median of 5 fresh processes)
 *
 *   pnpm --filter @fmnist/knn run bench:datasets [--only gaussian,digits] [--engine auto]
 *
 * On a shared machine, run it under the bench lock: flock /tmp/fmnist-bench.lock pnpm ... bench:datasets
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { readNpy, readNpyInt32, writeNpy } from '../src/npy.js';
import { findSklearnPython, runSklearnKnn, SklearnNotFoundError } from '../src/sklearn.js';
import { pythonEnv } from './python-env.js';

const self = fileURLToPath(import.meta.url);
const K = 5;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return fallback;
}

interface KnnChildResult {
  seconds: number;
  engine: string;
  threads: number;
  peakRssMb: number;
  contrast?: number;
  prunedExactShare?: number;
  workingMb?: number;
}

/**
 * This process's peak resident memory (MB): VmHWM, which starts afresh at exec. (getrusage's
 * ru_maxrss does not: a child spawned by this large parent would report the parent's.)
 */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** The child: fit + predict on the .npy files in `dir`, predictions to `out`. */
async function child(dir: string, out: string, engine: string, budget: number): Promise<void> {
  const { KNeighborsClassifier } = await import('../src/node.js');
  const xtr = readNpy(join(dir, 'xtr.npy'));
  const ytr = readNpyInt32(join(dir, 'ytr.npy'));
  const xte = readNpy(join(dir, 'xte.npy'));
  const t0 = performance.now();
  const knn = new KNeighborsClassifier({
    k: K,
    engine: engine as 'auto',
    ...(budget > 0 ? { memoryBudgetBytes: budget } : {}),
  }).fit({ data: xtr.data, shape: [xtr.shape[0], xtr.shape[1]] }, ytr);
  const pred = await knn.predict({ data: xte.data, shape: [xte.shape[0], xte.shape[1]] });
  const seconds = (performance.now() - t0) / 1000;
  const info = knn.engineInfo;
  knn.dispose();
  writeNpy(out, pred, [pred.length]);
  const r: KnnChildResult = {
    seconds,
    engine: info?.engine ?? '?',
    threads: info?.threads ?? 1,
    peakRssMb: peakRssMb(),
    contrast: info?.estimate?.contrast,
    prunedExactShare: info?.estimate?.prunedExactShare,
    workingMb: info?.workingBytes === undefined ? undefined : info.workingBytes / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as T;
}

function gaussian(rng: ReturnType<typeof xoroshiro128plus>, len: number, out: Float32Array): void {
  for (let i = 0; i < len; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng)));
    const a = 2 * Math.PI * uniformFloat64(rng);
    out[i] = r * Math.cos(a);
    if (i + 1 < len) out[i + 1] = r * Math.sin(a);
  }
}

interface Dataset {
  name: string;
  /** Writes xtr / ytr / xte / yte .npy files to dir. */
  write(dir: string, python: string | undefined): Promise<boolean>;
  budget?: number;
  /**
   * Fresh processes per figure, the median reported: a set this small is timed in tens of
   * milliseconds, where one process's start-up noise would decide the ratio.
   */
  repeats?: number;
}

/** The median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Seconds with three decimals below 1 s (small sets), else two. */
function secs(s: number): string {
  return s < 1 ? s.toFixed(3) : s.toFixed(2);
}

const DATASETS: Dataset[] = [
  {
    name: 'fashion-uint8',
    async write(dir) {
      const { loadFashionMnist } = await import('@fmnist/data');
      const ds = await loadFashionMnist();
      writeNpy(join(dir, 'xtr.npy'), ds.train.images, [ds.train.count, 784]);
      writeNpy(join(dir, 'ytr.npy'), Int32Array.from(ds.train.labels), [ds.train.count]);
      writeNpy(join(dir, 'xte.npy'), ds.test.images, [ds.test.count, 784]);
      writeNpy(join(dir, 'yte.npy'), Int32Array.from(ds.test.labels), [ds.test.count]);
      return true;
    },
  },
  {
    name: 'fashion-float32',
    async write(dir) {
      const { loadFashionMnist } = await import('@fmnist/data');
      const ds = await loadFashionMnist();
      const f = (u: Uint8Array) => Float32Array.from(u, (v) => v / 255);
      writeNpy(join(dir, 'xtr.npy'), f(ds.train.images), [ds.train.count, 784]);
      writeNpy(join(dir, 'ytr.npy'), Int32Array.from(ds.train.labels), [ds.train.count]);
      writeNpy(join(dir, 'xte.npy'), f(ds.test.images), [ds.test.count, 784]);
      writeNpy(join(dir, 'yte.npy'), Int32Array.from(ds.test.labels), [ds.test.count]);
      return true;
    },
  },
  {
    name: 'gaussian-50k-256',
    async write(dir) {
      const rng = xoroshiro128plus(1);
      const [n, m, d] = [50_000, 2_000, 256];
      const x = new Float32Array((n + m) * d);
      gaussian(rng, x.length, x);
      const y = Int32Array.from({ length: n + m }, () => Math.floor(uniformFloat64(rng) * 10));
      writeNpy(join(dir, 'xtr.npy'), x.subarray(0, n * d), [n, d]);
      writeNpy(join(dir, 'ytr.npy'), y.subarray(0, n), [n]);
      writeNpy(join(dir, 'xte.npy'), x.subarray(n * d), [m, d]);
      writeNpy(join(dir, 'yte.npy'), y.subarray(n), [m]);
      return true;
    },
  },
  ...[0, 16 << 20].map(
    (budget): Dataset => ({
      name: budget ? 'clustered-300k-64 (16 MiB budget)' : 'clustered-300k-64',
      budget,
      async write(dir) {
        const rng = xoroshiro128plus(2);
        const [n, m, d, c] = [300_000, 5_000, 64, 100];
        const centres = new Float32Array(c * d);
        gaussian(rng, centres.length, centres);
        for (let i = 0; i < centres.length; i++) centres[i] *= 3;
        const x = new Float32Array((n + m) * d);
        gaussian(rng, x.length, x);
        const y = new Int32Array(n + m);
        for (let i = 0; i < n + m; i++) {
          const k = Math.floor(uniformFloat64(rng) * c);
          y[i] = k % 10;
          for (let t = 0; t < d; t++) x[i * d + t] += centres[k * d + t];
        }
        writeNpy(join(dir, 'xtr.npy'), x.subarray(0, n * d), [n, d]);
        writeNpy(join(dir, 'ytr.npy'), y.subarray(0, n), [n]);
        writeNpy(join(dir, 'xte.npy'), x.subarray(n * d), [m, d]);
        writeNpy(join(dir, 'yte.npy'), y.subarray(n), [m]);
        return true;
      },
    }),
  ),
  {
    name: 'sklearn-digits',
    repeats: 5,
    async write(dir, python) {
      if (!python) return false;
      const script = fileURLToPath(new URL('./digits.py', import.meta.url));
      const r = spawnSync(python, [script, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`digits.py failed:\n${r.stderr}`);
      return true;
    },
  },
];

function agreement(a: Int32Array, b: Int32Array): string {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return `${same}/${a.length}`;
}

async function main(): Promise<void> {
  const only = arg('only', '').split(',').filter(Boolean);
  const engine = arg('engine', 'auto');
  const python = await findSklearnPython().catch((e: unknown) => {
    if (SklearnNotFoundError.isInstance(e)) return undefined;
    throw e;
  });
  const faiss =
    python && spawnSync(python, ['-c', 'import faiss'], { stdio: 'ignore' }).status === 0;
  console.log(
    `@fmnist/knn (engine ${engine}) vs scikit-learn brute${faiss ? ' and faiss IndexFlatL2' : ''}, k=${K}, uniform, euclidean\n` +
      `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ` +
      `${new Date().toISOString()}; load average at start ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n` +
      "time: fit + predict, wall clock, one fresh child process per figure; RSS: that process's peak\n" +
      '(VmHWM; the knn child runs under tsx, which adds about 37 MB to it).\n',
  );
  const header = [
    'data set',
    'knn s',
    'engine',
    'knn RSS MB',
    'sklearn s',
    'sklearn RSS MB',
    'knn/sklearn',
    'agreement',
    'faiss s',
    'knn/faiss',
    'accuracy',
  ];
  const rows: string[][] = [];
  for (const ds of DATASETS) {
    if (only.length && !only.some((o) => ds.name.includes(o))) continue;
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-knn-datasets-'));
    try {
      if (!(await ds.write(dir, python))) {
        console.log(`${ds.name}: skipped (needs Python with scikit-learn)`);
        continue;
      }
      const yte = readNpyInt32(join(dir, 'yte.npy'));
      const knnOut = join(dir, 'knn.npy');
      const repeats = ds.repeats ?? 1;
      const runs: KnnChildResult[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const r = spawnSync(
          process.execPath,
          [
            ...process.execArgv,
            self,
            '--child',
            dir,
            knnOut,
            '--engine',
            engine,
            '--budget',
            String(ds.budget ?? 0),
          ],
          { encoding: 'utf8', maxBuffer: 1 << 24 },
        );
        if (r.status !== 0) throw new Error(`knn child failed on ${ds.name}:\n${r.stderr}`);
        runs.push(lastJson<KnnChildResult>(r.stdout));
      }
      const knn = {
        ...runs[0],
        seconds: median(runs.map((x) => x.seconds)),
        peakRssMb: Math.max(...runs.map((x) => x.peakRssMb)),
      };
      const knnPred = readNpyInt32(knnOut);
      let correct = 0;
      for (let i = 0; i < yte.length; i++) if (knnPred[i] === yte[i]) correct++;
      const row = [
        ds.name,
        secs(knn.seconds),
        `${knn.engine}${knn.contrast === undefined ? '' : ` (c=${knn.contrast.toFixed(2)}${Number.isNaN(knn.prunedExactShare) || knn.prunedExactShare === undefined || knn.prunedExactShare === null ? '' : `, e=${(100 * knn.prunedExactShare).toFixed(1)}%`})`}`,
        knn.peakRssMb.toFixed(0),
      ];
      if (python) {
        const matrix = (name: string) => {
          const { data, shape } = readNpy(join(dir, name));
          return {
            data: data as Uint8Array | Float32Array | Float64Array,
            shape: [shape[0], shape[1]] as const,
          };
        };
        let s: Awaited<ReturnType<typeof runSklearnKnn>> | undefined;
        const skRuns: number[] = [];
        for (let rep = 0; rep < repeats; rep++) {
          try {
            s = await runSklearnKnn({
              train: matrix('xtr.npy'),
              labels: readNpyInt32(join(dir, 'ytr.npy')),
              test: matrix('xte.npy'),
              k: K,
              pythons: [python],
              env: pythonEnv(),
            });
          } catch (e) {
            throw new Error(`scikit-learn failed on ${ds.name}`, { cause: e });
          }
          skRuns.push(s.fitSeconds + s.predictSeconds);
        }
        if (!s) throw new Error('no scikit-learn run');
        const skSeconds = median(skRuns);
        row.push(
          secs(skSeconds),
          s.peakRssMb.toFixed(0),
          `${(knn.seconds / skSeconds).toFixed(2)}x`,
          agreement(knnPred, s.predictions),
        );
        if (faiss) {
          const fOut = join(dir, 'faiss.npy');
          const f = spawnSync(
            python,
            [
              fileURLToPath(new URL('./faiss_knn.py', import.meta.url)),
              join(dir, 'xtr.npy'),
              join(dir, 'ytr.npy'),
              join(dir, 'xte.npy'),
              fOut,
              '--k',
              String(K),
            ],
            { encoding: 'utf8', env: pythonEnv() },
          );
          if (f.status === 0) {
            const fj = lastJson<{ seconds: number }>(f.stdout);
            row.push(secs(fj.seconds), `${(knn.seconds / fj.seconds).toFixed(2)}x`);
          } else row.push('failed', '-');
        } else row.push('-', '-');
      } else row.push('-', '-', '-', '-', '-', '-');
      row.push(`${((100 * correct) / yte.length).toFixed(2)}%`);
      rows.push(row);
      console.error(row.join(' | '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    '\nengine: what `auto` chose; c = its contrast estimate (k-th nearest / mean distance in a sample;\n' +
      '> 0.5: no pruning tried), e = share of exact distances it measured for `pruned`.\n' +
      'knn/sklearn, knn/faiss: time ratios (below 1: this package is faster). agreement: identical\n' +
      "predictions with scikit-learn. accuracy: this package's, against the true labels.",
  );
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) {
  await child(
    process.argv[ci + 1],
    process.argv[ci + 2],
    arg('engine', 'auto'),
    Number(arg('budget', '0')),
  );
} else {
  await main();
}
