import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExternalRun } from '@fmnist/bench';

const run = promisify(execFile);

/** Debian's Python, which has python3-sklearn (a pyenv `python3` on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys, time
import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier
d, k, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
xtr = np.fromfile(d + '/xtr.u8', dtype=np.uint8).reshape(n_train, -1).astype(np.float32)
ytr = np.fromfile(d + '/ytr.u8', dtype=np.uint8)
xte = np.fromfile(d + '/xte.u8', dtype=np.uint8).reshape(n_test, -1).astype(np.float32)
yte = np.fromfile(d + '/yte.u8', dtype=np.uint8)
clf = KNeighborsClassifier(n_neighbors=k, algorithm='brute')
t0 = time.perf_counter(); clf.fit(xtr, ytr); t1 = time.perf_counter()
pred = clf.predict(xte); t2 = time.perf_counter()
json.dump({'version': sklearn.__version__, 'accuracy': float((pred == yte).mean()),
           'fitMs': (t1 - t0) * 1000, 'predictMs': (t2 - t1) * 1000,
           'predictions': pred.astype(int).tolist()}, sys.stdout)
`;

/** What {@link runSklearnKnn} measured, plus its predictions. */
export interface SklearnResult {
  run: ExternalRun;
  predictions?: Int32Array;
}

/**
 * Runs scikit-learn's `KNeighborsClassifier(n_neighbors=k, algorithm='brute')` (Euclidean, uniform
 * weights) on the same pixels with Debian's Python. Never throws: when Python or scikit-learn is
 * missing, or the run fails, the result says so (`status: 'skipped' | 'failed'` and a reason).
 */
export async function runSklearnKnn(
  train: { images: Uint8Array; labels: Uint8Array; count: number },
  test: { images: Uint8Array; labels: Uint8Array; count: number },
  k: number,
  python: string = SYSTEM_PYTHON,
): Promise<SklearnResult> {
  const base: ExternalRun = {
    name: 'scikit-learn KNeighborsClassifier',
    status: 'skipped',
    params: { n_neighbors: k, algorithm: 'brute', metric: 'euclidean', weights: 'uniform' },
    trainSize: train.count,
    testSize: test.count,
  };
  if (!existsSync(python)) {
    return { run: { ...base, reason: `${python} not found (install python3-sklearn)` } };
  }
  try {
    await run(python, ['-c', 'import sklearn, numpy']);
  } catch {
    return {
      run: { ...base, reason: `${python} cannot import sklearn (apt-get install python3-sklearn)` },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'fmnist-sklearn-'));
  try {
    await Promise.all([
      writeFile(join(dir, 'xtr.u8'), train.images),
      writeFile(join(dir, 'ytr.u8'), train.labels),
      writeFile(join(dir, 'xte.u8'), test.images),
      writeFile(join(dir, 'yte.u8'), test.labels),
    ]);
    const { stdout } = await run(
      python,
      ['-c', SCRIPT, dir, String(k), String(train.count), String(test.count)],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const r = JSON.parse(stdout) as {
      version: string;
      accuracy: number;
      fitMs: number;
      predictMs: number;
      predictions: number[];
    };
    return {
      run: {
        ...base,
        status: 'ran',
        accuracy: r.accuracy,
        trainMs: r.fitMs,
        inferenceMs: r.predictMs,
        version: r.version,
      },
      predictions: Int32Array.from(r.predictions),
    };
  } catch (err) {
    const msg = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
    return { run: { ...base, status: 'failed', reason: msg.split('\n').at(-1) ?? msg } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
