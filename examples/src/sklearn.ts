/**
 * The one scikit-learn runner of the examples: finds a Python with scikit-learn and runs
 * `KNeighborsClassifier` on the same pixels as our KNN.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExternalRun } from '@fmnist/bench';

/** Debian's Python, which has python3-sklearn (a pyenv `python3` on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The Pythons tried, in order: `$FMNIST_PYTHON`, Debian's `/usr/bin/python3`, `python3` on PATH. */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [
    ...new Set([env.FMNIST_PYTHON, SYSTEM_PYTHON, 'python3'].filter((p): p is string => !!p)),
  ];
}

/** Exit code of the script when `import sklearn, numpy` fails (try the next Python). */
const NO_SKLEARN = 3;

const SCRIPT = `
import json, sys, time
try:
    import numpy as np
    import sklearn
    from sklearn.neighbors import KNeighborsClassifier
except ImportError as e:
    sys.stderr.write(str(e) + '\\n'); sys.exit(${NO_SKLEARN})
d, k, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
xtr = np.fromfile(d + '/xtr.u8', dtype=np.uint8).reshape(n_train, -1).astype(np.float32)
ytr = np.fromfile(d + '/ytr.u8', dtype=np.uint8)
xte = np.fromfile(d + '/xte.u8', dtype=np.uint8).reshape(n_test, -1).astype(np.float32)
yte = np.fromfile(d + '/yte.u8', dtype=np.uint8)
clf = KNeighborsClassifier(n_neighbors=k, algorithm='brute')
t0 = time.perf_counter(); clf.fit(xtr, ytr); t1 = time.perf_counter()
pred = clf.predict(xte); t2 = time.perf_counter()
json.dump({'version': sklearn.__version__, 'python': sys.executable,
           'accuracy': float((pred == yte).mean()),
           'fitMs': (t1 - t0) * 1000, 'predictMs': (t2 - t1) * 1000,
           'predictions': pred.astype(int).tolist()}, sys.stdout)
`;

/** A labelled split of uint8 pixels (a `Split` of `@fmnist/data`). */
export interface PixelSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Options of {@link runSklearnKnn}. */
export interface SklearnKnnOptions {
  train: PixelSplit;
  test: PixelSplit;
  /** Neighbours. */
  k: number;
  /** Pythons to try, in order; default {@link pythonCandidates}. */
  pythons?: readonly string[];
}

/** What {@link runSklearnKnn} measured, plus its predictions. */
export interface SklearnResult {
  run: ExternalRun;
  predictions?: Int32Array;
}

interface Ran {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function runPython(python: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(python, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code ?? 1) : 0;
      resolve({ code: code as Ran['code'], stdout, stderr });
    });
  });
}

/**
 * Runs scikit-learn's `KNeighborsClassifier(n_neighbors=k, algorithm='brute')` (Euclidean, uniform
 * weights) on the same pixels, with the first Python that has scikit-learn (one process per Python
 * tried; no separate probe). Never throws: when no Python or no scikit-learn is found, or the run
 * fails, the result says so (`status: 'skipped' | 'failed'` and a reason).
 */
export async function runSklearnKnn(options: SklearnKnnOptions): Promise<SklearnResult> {
  const { train, test, k } = options;
  const pythons = options.pythons ?? pythonCandidates();
  const base: ExternalRun = {
    name: 'scikit-learn KNeighborsClassifier',
    status: 'skipped',
    params: { n_neighbors: k, algorithm: 'brute', metric: 'euclidean', weights: 'uniform' },
    trainSize: train.count,
    testSize: test.count,
  };
  const dir = await mkdtemp(join(tmpdir(), 'fmnist-sklearn-'));
  const tried: string[] = [];
  try {
    await Promise.all([
      writeFile(join(dir, 'xtr.u8'), train.images),
      writeFile(join(dir, 'ytr.u8'), train.labels),
      writeFile(join(dir, 'xte.u8'), test.images),
      writeFile(join(dir, 'yte.u8'), test.labels),
    ]);
    const args = ['-c', SCRIPT, dir, String(k), String(train.count), String(test.count)];
    for (const python of pythons) {
      const r = await runPython(python, args);
      if (r.code === 'ENOENT' || r.code === 'EACCES') {
        tried.push(`${python} not found`);
        continue;
      }
      if (r.code === NO_SKLEARN) {
        tried.push(`${python} has no scikit-learn`);
        continue;
      }
      if (r.code !== 0) {
        const msg = (r.stderr || String(r.code)).trim();
        return {
          run: { ...base, status: 'failed', reason: `${python}: ${msg.split('\n').at(-1) ?? msg}` },
        };
      }
      const out = JSON.parse(r.stdout) as {
        version: string;
        python: string;
        accuracy: number;
        fitMs: number;
        predictMs: number;
        predictions: number[];
      };
      return {
        run: {
          ...base,
          status: 'ran',
          accuracy: out.accuracy,
          trainMs: out.fitMs,
          inferenceMs: out.predictMs,
          version: out.version,
          params: { ...base.params, python: out.python },
        },
        predictions: Int32Array.from(out.predictions),
      };
    }
    return {
      run: {
        ...base,
        reason: `no Python with scikit-learn (${tried.join('; ') || 'none tried'}): apt-get install python3-sklearn, or set FMNIST_PYTHON`,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
