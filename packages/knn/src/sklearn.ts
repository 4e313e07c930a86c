/**
 * `@fmnist/knn/sklearn` (Node only): scikit-learn's `KNeighborsClassifier` run on the same arrays,
 * for comparison: its predictions (to check that this package answers as scikit-learn does) and its
 * fit and predict times. It needs a Python with scikit-learn and NumPy (Debian:
 * `apt-get install python3-sklearn`); without one it throws {@link SklearnNotFoundError}, which
 * says what to install. The Python script it runs ships with the package (`python/`).
 *
 * @example
 * ```ts
 * import { KNeighborsClassifier } from '@fmnist/knn';
 * import { runSklearnKnn } from '@fmnist/knn/sklearn';
 *
 * const train = { data: Float32Array.from([0, 0, 0, 1, 5, 5, 5, 6]), shape: [4, 2] } as const;
 * const labels = Int32Array.from([0, 0, 1, 1]);
 * const test = { data: Float32Array.from([0.2, 0.1, 5.5, 5.2]), shape: [2, 2] } as const;
 * const theirs = await runSklearnKnn({ train, labels, test, k: 3 });
 * const ours = await new KNeighborsClassifier({ k: 3 }).fit(train, labels).predict(test);
 * console.log(theirs.predictions, ours); // Int32Array [ 0, 1 ] twice
 * ```
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, SklearnFailedError, SklearnNotFoundError } from './errors.js';
import type { MatrixData } from './matrix.js';
import { readNpyInt32, writeNpy } from './npy.js';

export { SklearnFailedError, SklearnNotFoundError } from './errors.js';

/** Debian's Python, which has python3-sklearn (a pyenv `python3` on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The Pythons tried, in order: `$FMNIST_PYTHON`, Debian's `/usr/bin/python3`, `python3` on PATH. */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [
    ...new Set([env.FMNIST_PYTHON, SYSTEM_PYTHON, 'python3'].filter((p): p is string => !!p)),
  ];
}

/** Options of {@link runSklearnKnn}. */
export interface SklearnKnnOptions {
  /** The training rows (as given to `KNeighborsClassifier.fit`). */
  train: MatrixData;
  /** One integer label per training row. */
  labels: ArrayLike<number>;
  /** The rows to classify. */
  test: MatrixData;
  /** `n_neighbors`. Default 5. */
  k?: number;
  /**
   * The dtype scikit-learn gets the features in. Default `'float64'`, its fast path; `'uint8'` falls
   * back to a much slower generic one.
   */
  dtype?: 'float64' | 'float32' | 'uint8';
  /** scikit-learn's `n_jobs`. Default -1 (all cores). */
  jobs?: number;
  /** Pythons to try, in order. Default {@link pythonCandidates}. */
  pythons?: readonly string[];
  /** Python's environment. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link runSklearnKnn} returns: scikit-learn's predictions and what its run took. */
export interface SklearnKnnResult {
  /** One predicted label per test row. */
  predictions: Int32Array;
  /** `fit` wall-clock seconds, measured in Python. */
  fitSeconds: number;
  /** `predict` wall-clock seconds, measured in Python. */
  predictSeconds: number;
  /** Peak resident memory of the Python process (MB). */
  peakRssMb: number;
  /** The Python that ran (`sys.executable`). */
  python: string;
  sklearnVersion: string;
  numpyVersion: string;
  dtype: string;
}

/** Exit status of the script when NumPy or scikit-learn cannot be imported (try the next Python). */
const NO_SKLEARN = 3;

interface Ran {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function runPython(python: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(python, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code ?? 1) : 0;
      resolve({ code: code as Ran['code'], stdout, stderr });
    });
  });
}

/** Runs `args` with each Python in turn until one has scikit-learn; throws when none has. */
async function withSklearn(
  pythons: readonly string[],
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ python: string; stdout: string }> {
  const tried: string[] = [];
  for (const python of pythons) {
    const r = await runPython(python, args, env);
    if (r.code === 'ENOENT' || r.code === 'EACCES') {
      tried.push(`${python} not found`);
      continue;
    }
    if (r.code === NO_SKLEARN) {
      tried.push(`${python} has no scikit-learn`);
      continue;
    }
    if (r.code !== 0) {
      const msg = (r.stderr || `exit status ${r.code}`).trim();
      throw new SklearnFailedError({ python, detail: msg.split('\n').at(-1) ?? msg });
    }
    return { python, stdout: r.stdout };
  }
  throw new SklearnNotFoundError({ tried });
}

/**
 * The first Python (of `pythons`, default {@link pythonCandidates}) that imports scikit-learn and
 * NumPy.
 *
 * @throws {@link SklearnNotFoundError} when none does.
 */
export async function findSklearnPython(
  options: { pythons?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const probe = `import sys\ntry:\n    import numpy, sklearn\nexcept ImportError:\n    sys.exit(${NO_SKLEARN})`;
  const { python } = await withSklearn(
    options.pythons ?? pythonCandidates(),
    ['-c', probe],
    options.env ?? process.env,
  );
  return python;
}

function plain(m: MatrixData, what: string): Uint8Array | Float32Array | Float64Array {
  const [rows, columns] = m.shape;
  if (m.data.length !== rows * columns) {
    throw new InvalidArgumentError({
      argument: what,
      message: `shape [${rows}, ${columns}] needs ${rows * columns} values, got ${m.data.length}. Pass the shape of the data.`,
    });
  }
  const { data } = m;
  if (data instanceof Uint8Array || data instanceof Float32Array || data instanceof Float64Array)
    return data;
  if (data instanceof Uint8ClampedArray)
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  return Float64Array.from(data);
}

/**
 * Runs scikit-learn's `KNeighborsClassifier(n_neighbors=k, algorithm='brute', n_jobs=jobs)`
 * (Euclidean, uniform weights: this package's defaults) on the same arrays, in the first Python
 * that has scikit-learn (one process per Python tried; no separate probe). The arrays go to Python
 * as `.npy` files in a temporary folder, removed afterwards.
 *
 * @throws {@link SklearnNotFoundError} when no Python has scikit-learn (the message says what to
 *   install), {@link SklearnFailedError} when the run fails, {@link InvalidArgumentError} when a
 *   shape does not match its data.
 */
export async function runSklearnKnn(options: SklearnKnnOptions): Promise<SklearnKnnResult> {
  const train = plain(options.train, 'train');
  const test = plain(options.test, 'test');
  const labels =
    options.labels instanceof Uint8Array || options.labels instanceof Int32Array
      ? options.labels
      : Int32Array.from(options.labels);
  if (labels.length !== options.train.shape[0]) {
    throw new InvalidArgumentError({
      argument: 'labels',
      message: `${labels.length} labels for ${options.train.shape[0]} training rows; give one per row.`,
    });
  }
  const dir = await mkdtemp(join(tmpdir(), 'fmnist-knn-sklearn-'));
  try {
    const file = (name: string) => join(dir, name);
    writeNpy(file('xtr.npy'), train, options.train.shape);
    writeNpy(file('ytr.npy'), labels, [labels.length]);
    writeNpy(file('xte.npy'), test, options.test.shape);
    const script = fileURLToPath(new URL('../python/sklearn_knn.py', import.meta.url));
    const args = [
      script,
      file('xtr.npy'),
      file('ytr.npy'),
      file('xte.npy'),
      file('pred.npy'),
      '--k',
      String(options.k ?? 5),
      '--dtype',
      options.dtype ?? 'float64',
      '--jobs',
      String(options.jobs ?? -1),
    ];
    const { stdout } = await withSklearn(
      options.pythons ?? pythonCandidates(),
      args,
      options.env ?? process.env,
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, never>;
    return {
      predictions: readNpyInt32(file('pred.npy')),
      fitSeconds: out.fit_seconds,
      predictSeconds: out.predict_seconds,
      peakRssMb: out.peak_rss_mb,
      python: out.python,
      sklearnVersion: out.sklearn,
      numpyVersion: out.numpy,
      dtype: out.dtype,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
