import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@fmnist/data';
import { describe, expect, it } from 'vitest';
import { readNpyInt32, writeNpy } from '../scripts/npy.js';
import { findSklearnPython } from '../scripts/python.js';
import { KNeighborsClassifier } from './node.js';

const python = findSklearnPython();
const script = fileURLToPath(new URL('../scripts/sklearn_knn.py', import.meta.url));

describe('against scikit-learn itself (only where Python with scikit-learn is installed)', () => {
  it.skipIf(!python)(
    'all 10,000 Fashion-MNIST test predictions equal scikit-learn KNeighborsClassifier(n_neighbors=5)',
    async () => {
      const ds = await loadFashionMnist();
      const dir = mkdtempSync(join(tmpdir(), 'fmnist-knn-'));
      try {
        writeNpy(join(dir, 'xtr.npy'), ds.train.images, [ds.train.count, 784]);
        writeNpy(join(dir, 'ytr.npy'), ds.train.labels, [ds.train.count]);
        writeNpy(join(dir, 'xte.npy'), ds.test.images, [ds.test.count, 784]);
        const out = join(dir, 'pred.npy');
        const r = spawnSync(
          python as string,
          [script, join(dir, 'xtr.npy'), join(dir, 'ytr.npy'), join(dir, 'xte.npy'), out],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
        const theirs = readNpyInt32(out);
        const knn = new KNeighborsClassifier({ k: 5 }).fit(
          { data: ds.train.images, shape: [ds.train.count, 784] },
          ds.train.labels,
        );
        const ours = await knn.predict({ data: ds.test.images, shape: [ds.test.count, 784] });
        knn.dispose();
        let differ = 0;
        for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) differ++;
        expect(differ).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    // scikit-learn alone takes 8–60 s on this shared 2-core machine, depending on its load.
    600_000,
  );
});
