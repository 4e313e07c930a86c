/** Finds a Python with scikit-learn: $FMNIST_PYTHON, /usr/bin/python3 (Debian's python3-sklearn), python3. */
import { spawnSync } from 'node:child_process';

export function findSklearnPython(): string | undefined {
  const candidates = [process.env.FMNIST_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (c): c is string => !!c,
  );
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}
