import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSklearnKnn, SYSTEM_PYTHON } from './sklearn.js';

/** A small problem with distinct distances: 2-pixel images in three well-separated clusters. */
function toy() {
  const centres = [
    [10, 10],
    [120, 30],
    [40, 200],
  ];
  const make = (n: number, offset: number) => {
    const images = new Uint8Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = (i * 7 + offset) % 3;
      labels[i] = c;
      images[2 * i] = centres[c]![0]! + ((i * 13 + offset) % 17);
      images[2 * i + 1] = centres[c]![1]! + ((i * 29 + offset) % 23);
    }
    return { images, labels, count: n };
  };
  return { train: make(60, 0), test: make(15, 5) };
}

function hasSklearn(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import sklearn']);
    return true;
  } catch {
    return false;
  }
}

describe('runSklearnKnn', () => {
  it('says why it skipped when no Python has scikit-learn', async () => {
    const { train, test } = toy();
    const missing = await runSklearnKnn({ train, test, k: 3, pythons: ['/nonexistent/python3'] });
    expect(missing.run).toMatchObject({ status: 'skipped', trainSize: 60, testSize: 15 });
    expect(missing.run.reason).toContain('/nonexistent/python3 not found');
    expect(missing.run.reason).toContain('apt-get install python3-sklearn, or set FMNIST_PYTHON');
    expect(missing.predictions).toBeUndefined();
    // /bin/false exits 1 at once: a failure, not a missing module.
    const failing = await runSklearnKnn({ train, test, k: 3, pythons: ['/bin/false'] });
    expect(failing.run.status).toBe('failed');
    expect(failing.run.reason).toContain('/bin/false');
  });

  it.runIf(existsSync(SYSTEM_PYTHON))(
    'goes on to the next Python when one has no scikit-learn',
    async () => {
      const { train, test } = toy();
      // A real Python without scikit-learn: Debian's, started without `site` (no dist-packages).
      const { mkdtemp, writeFile, chmod, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = await mkdtemp(join(tmpdir(), 'fake-python-'));
      try {
        const fake = join(dir, 'python-without-sklearn');
        await writeFile(fake, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -I -S "$@"\n`);
        await chmod(fake, 0o755);
        const r = await runSklearnKnn({ train, test, k: 3, pythons: [fake, '/nonexistent/py'] });
        expect(r.run.status).toBe('skipped');
        expect(r.run.reason).toContain(`${fake} has no scikit-learn`);
        expect(r.run.reason).toContain('/nonexistent/py not found');
        if (hasSklearn()) {
          const next = await runSklearnKnn({ train, test, k: 3, pythons: [fake, SYSTEM_PYTHON] });
          expect(next.run.status).toBe('ran');
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  // Debian's python3-sklearn is part of this project's set-up; where it is absent this case is skipped.
  it.runIf(hasSklearn())('runs KNeighborsClassifier on the same pixels', async () => {
    const { train, test } = toy();
    const { run, predictions } = await runSklearnKnn({
      train,
      test,
      k: 3,
      pythons: [SYSTEM_PYTHON],
    });
    expect(run.status).toBe('ran');
    expect(run.version).toMatch(/^\d+\.\d+/);
    expect(run.params).toMatchObject({ n_neighbors: 3, algorithm: 'brute' });
    expect(String(run.params.python)).toContain('python');
    expect(predictions).toHaveLength(15);
    // The clusters are far apart: every test image gets its own cluster's label.
    expect(Array.from(predictions!)).toEqual(Array.from(test.labels));
    expect(run.accuracy).toBe(1);
    expect(run.trainMs).toBeGreaterThanOrEqual(0);
  });
});
