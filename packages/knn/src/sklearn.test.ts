import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '@fmnist/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, KnnError } from './errors.js';
import { KNeighborsClassifier } from './node.js';
import {
  findSklearnPython,
  pythonCandidates,
  runSklearnKnn,
  SklearnFailedError,
  SklearnNotFoundError,
  SYSTEM_PYTHON,
} from './sklearn.js';

const python = await findSklearnPython().catch(() => undefined);

/** Three far-apart groups of 2-feature float rows: group c near (100·c, 50·c). */
function toy() {
  const rows = (n: number, shift: number) => {
    const data = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      labels[i] = c;
      data.set([100 * c + ((i + shift) % 7), 50 * c + ((3 * i + shift) % 5)], 2 * i);
    }
    return { matrix: { data, shape: [n, 2] as const }, labels };
  };
  return { train: rows(60, 0), test: rows(15, 2) };
}

describe('pythonCandidates', () => {
  it("tries FMNIST_PYTHON, then Debian's Python, then python3 on PATH", () => {
    expect(pythonCandidates({})).toEqual([SYSTEM_PYTHON, 'python3']);
    expect(pythonCandidates({ FMNIST_PYTHON: '/opt/py/bin/python' })).toEqual([
      '/opt/py/bin/python',
      SYSTEM_PYTHON,
      'python3',
    ]);
    expect(pythonCandidates({ FMNIST_PYTHON: SYSTEM_PYTHON })).toEqual([SYSTEM_PYTHON, 'python3']);
  });
});

describe('runSklearnKnn errors', () => {
  const { train, test } = toy();
  const options = { train: train.matrix, labels: train.labels, test: test.matrix, k: 3 };

  it('no Python with scikit-learn: SklearnNotFoundError, saying what to install', async () => {
    const e = await runSklearnKnn({ ...options, pythons: ['/nonexistent/python3'] }).catch(
      (x: unknown) => x,
    );
    expect(SklearnNotFoundError.isInstance(e)).toBe(true);
    expect(KnnError.isInstance(e)).toBe(true);
    const error = e as SklearnNotFoundError;
    expect(error.code).toBe('SKLEARN_NOT_FOUND');
    expect(error.tried).toEqual(['/nonexistent/python3 not found']);
    expect(error.message).toContain('apt-get install python3-sklearn, or set FMNIST_PYTHON');
    expect(error.message).toContain('pip install scikit-learn numpy');
    await expect(findSklearnPython({ pythons: [] })).rejects.toThrow(/none tried/);
  });

  it('a Python that fails: SklearnFailedError naming it', async () => {
    // /bin/false exits 1 at once: a failure, not a missing module.
    const e = await runSklearnKnn({ ...options, pythons: ['/bin/false'] }).catch((x: unknown) => x);
    expect(SklearnFailedError.isInstance(e)).toBe(true);
    expect((e as SklearnFailedError).code).toBe('SKLEARN_FAILED');
    expect((e as SklearnFailedError).python).toBe('/bin/false');
    expect((e as Error).message).toMatch(
      /^scikit-learn failed under \/bin\/false: .*Run that Python by hand/,
    );
  });

  it('a shape that does not match its data, or labels of another length: InvalidArgumentError', async () => {
    await expect(
      runSklearnKnn({ ...options, train: { data: new Uint8Array(5), shape: [3, 2] } }),
    ).rejects.toSatisfy(
      (e) => InvalidArgumentError.isInstance(e) && /needs 6 values/.test(String(e)),
    );
    await expect(runSklearnKnn({ ...options, labels: [0, 1] })).rejects.toThrow(
      /2 labels for 60 training rows/,
    );
  });

  describe.runIf(existsSync(SYSTEM_PYTHON))('a Python without scikit-learn', () => {
    let dir: string;
    let fake: string;
    beforeAll(async () => {
      // A real Python without scikit-learn: Debian's, started without `site` (no dist-packages).
      dir = await mkdtemp(join(tmpdir(), 'fake-python-'));
      fake = join(dir, 'python-without-sklearn');
      await writeFile(fake, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -I -S "$@"\n`);
      await chmod(fake, 0o755);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('is passed over for the next one', async () => {
      const e = (await runSklearnKnn({ ...options, pythons: [fake, '/nonexistent/py'] }).catch(
        (x: unknown) => x,
      )) as SklearnNotFoundError;
      expect(SklearnNotFoundError.isInstance(e)).toBe(true);
      expect(e.tried).toEqual([`${fake} has no scikit-learn`, '/nonexistent/py not found']);
      if (python) {
        await expect(findSklearnPython({ pythons: [fake, python] })).resolves.toBe(python);
        const r = await runSklearnKnn({ ...options, pythons: [fake, python] });
        expect(r.predictions).toHaveLength(15);
      }
    });
  });
});

// Debian's python3-sklearn is part of this project's set-up; where it is absent these are skipped.
describe.skipIf(!python)('against scikit-learn itself', () => {
  it('runs KNeighborsClassifier on the same rows, and says what it ran', async () => {
    const { train, test } = toy();
    const r = await runSklearnKnn({
      train: train.matrix,
      labels: train.labels,
      test: test.matrix,
      k: 3,
      dtype: 'float32',
      jobs: 1,
    });
    // The clusters are far apart: every test row gets its own cluster's label.
    expect(Array.from(r.predictions)).toEqual(Array.from(test.labels));
    expect(r.sklearnVersion).toMatch(/^\d+\.\d+/);
    expect(r.numpyVersion).toMatch(/^\d+\.\d+/);
    expect(r.dtype).toBe('float32');
    expect(r.python).toContain('python');
    expect(r.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(r.predictSeconds).toBeGreaterThanOrEqual(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
  });

  // scikit-learn alone takes 8–60 s on this shared 2-core machine, depending on its load.
  it('all 10,000 Fashion-MNIST test predictions equal scikit-learn KNeighborsClassifier(n_neighbors=5)', async () => {
    const ds = await loadFashionMnist();
    const train = { data: ds.train.images, shape: [ds.train.count, 784] } as const;
    const test = { data: ds.test.images, shape: [ds.test.count, 784] } as const;
    const theirs = await runSklearnKnn({ train, labels: ds.train.labels, test });
    const knn = new KNeighborsClassifier({ k: 5 }).fit(train, ds.train.labels);
    const ours = await knn.predict(test);
    knn.dispose();
    let differ = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs.predictions[i]) differ++;
    expect(differ).toBe(0);
  }, 600_000);
});
